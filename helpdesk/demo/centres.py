"""The six real migrant centres and the GIFTS partners, as the demo and first install know them."""
from helpdesk.choices import CentreKind

CENTRES = [
    {"code": "NDG", "name": "CTUM North Dagon Migrant Centre", "name_my": "မြောက်ဒဂုံ ရွှေ့ပြောင်းလုပ်သားစင်တာ",
     "partner_organisation": "Confederation of Trade Unions Myanmar (CTUM)", "township": "North Dagon", "state_region": "Yangon"},
    {"code": "TCL", "name": "Mawk Kon Tachileik Migrant Centre", "name_my": "တာချီလိတ် ရွှေ့ပြောင်းလုပ်သားစင်တာ",
     "partner_organisation": "Mawk Kon Local Development Organisation", "township": "Tachileik", "state_region": "Shan"},
    {"code": "MWD", "name": "Samaritans' Purse Myawaddy Migrant Centre", "name_my": "မြဝတီ ရွှေ့ပြောင်းလုပ်သားစင်တာ",
     "partner_organisation": "Samaritan's Purse", "township": "Myawaddy", "state_region": "Kayin"},
    {"code": "KTG", "name": "FED Kawthaung Migrant Centre", "name_my": "ကော့သောင်း ရွှေ့ပြောင်းလုပ်သားစင်တာ",
     "partner_organisation": "Foundation for Education and Development (FED)", "township": "Kawthaung", "state_region": "Tanintharyi"},
    {"code": "OTM", "name": "Future Light Center Oakthar Myothit Migrant Centre", "name_my": "အုတ်သာမြို့သစ် ရွှေ့ပြောင်းလုပ်သားစင်တာ",
     "partner_organisation": "Future Light Center", "township": "Oakthar Myothit (Bago)", "state_region": "Bago"},
    {"code": "HTY", "name": "BusinessKind Hlaing Thar Yar Migrant Centre", "name_my": "လှိုင်သာယာ ရွှေ့ပြောင်းလုပ်သားစင်တာ",
     "partner_organisation": "BusinessKind Myanmar", "township": "Hlaing Thar Yar", "state_region": "Yangon"},
    {"code": "MAP", "name": "MAP Foundation migrant radio", "partner_organisation": "MAP Foundation",
     "township": "Chiang Mai (Thailand)", "state_region": "Thailand", "kind": CentreKind.GIFTS},
    {"code": "FEDPOP", "name": "FED pop-up migrant centres", "partner_organisation": "Foundation for Education and Development (FED)",
     "township": "Phang Nga (Thailand)", "state_region": "Thailand", "kind": CentreKind.GIFTS},
    {"code": "YCO", "name": "Yaung Chi Oo cash-for-work", "partner_organisation": "Yaung Chi Oo Workers Association",
     "township": "Mae Sot (Thailand)", "state_region": "Thailand", "kind": CentreKind.GIFTS},
]

MIGRANT_CENTRE_CODES = [c["code"] for c in CENTRES if c.get("kind", CentreKind.MIGRANT_CENTRE) == CentreKind.MIGRANT_CENTRE]
