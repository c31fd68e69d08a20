"""The shapes the API answers with (the OpenAPI document is generated from them). No field here can hold a name."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema


class Error(Schema):
    detail: str
    field: str | None = None


class Period(Schema):
    label: str
    start: date
    end: date


class Cell(Schema):
    woman: int
    man: int
    other: int
    undisclosed: int
    total: int


class Row(Schema):
    key: str
    label: str
    cells: list[Cell]
    total: Cell


class Filters(Schema):
    start: date
    end: date
    by: str
    centres: list[str]
    partner: str
    channel: str


class BeneficiaryTable(Schema):
    filters: Filters
    periods: list[Period]
    rows: list[Row]
    grand_total: Row
    unique_persons: Row
    total_unique_persons: Cell
    unidentified: Row


class Outcome(Schema):
    label: str
    opened: int
    resolved: int
    closed_unresolved: int
    withdrawn: int
    claimed_mmk: Decimal
    recovered_mmk: Decimal


class Count(Schema):
    code: str
    label: str
    cases: int


class CentreOutcome(Schema):
    code: str
    name: str
    name_my: str
    opened: int
    claimed_mmk: Decimal
    recovered_mmk: Decimal
    claimed_by_period_mmk: list[Decimal]
    recovered_by_period_mmk: list[Decimal]


class AgencyCount(Schema):
    licence_number: str
    name: str
    name_my: str
    cases: int


class WorkersByGender(Schema):
    """Workers covered by the cases opened (group cases count each member), their claims and what they received."""

    code: str
    label: str
    workers: int
    claimed_mmk: Decimal
    recovered_mmk: Decimal


class ComplaintOutcomes(Schema):
    filters: Filters
    periods: list[Period]
    by_period: list[Outcome]
    total: Outcome
    open_by_stage: list[Count]
    by_grievance: list[Count]
    by_gender: list[Count]
    by_centre: list[CentreOutcome]
    top_agencies: list[AgencyCount]
    workers_by_gender: list[WorkersByGender]


class Agency(Schema):
    licence_number: str
    name_en: str
    name_my: str
    status: str
    issue_date: date | None
    expiry_date: date | None
    destination_countries: list[str]
    address: str
    phones: str


class AgencyPage(Schema):
    items: list[Agency]
    next: str | None


class GenderCount(Schema):
    gender: str
    workers: int


class CaseMember(Schema):
    """One worker covered by a group case: never a name or a person id."""

    role: str
    gender: str
    amount_claimed_mmk: Decimal | None
    amount_received_mmk: Decimal


class Case(Schema):
    reference: str
    centre: str
    channel: str
    stage: str
    outcome: str
    referred_to: str
    grievances: list[str]
    agency_licence_number: str | None
    destination_country: str
    amount_claimed_mmk: Decimal | None
    amount_recovered_mmk: Decimal
    opened_on: date
    closed_on: date | None
    workers_covered: int
    workers_by_gender: list[GenderCount]
    members: list[CaseMember]


class CasePage(Schema):
    items: list[Case]
    next: str | None
