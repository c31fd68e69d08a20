# MC Helpdesk: `make run` sets everything up and serves; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= 1

.PHONY: run setup test test-postgres lint messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_agencies
	$(BIN)/python manage.py seed_complaints

# Two background workers beside the server, as in production (docs/bots.md): bot replies on their own
# queue so a demo bot answers even while an import runs; both stop with the server on Ctrl-C.
run: setup
	$(BIN)/python manage.py imports_recover
	@echo ""
	@echo "MC Helpdesk is at http://127.0.0.1:8000  (logins above; Ctrl-C to stop the server and both workers)"
	@$(BIN)/python manage.py db_worker --queue-name replies --interval 0.2 --no-reload & replies=$$!; \
	$(BIN)/python manage.py db_worker --queue-name imports,default --no-reload & imports=$$!; \
	trap 'kill $$replies $$imports 2>/dev/null; wait $$replies $$imports 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# Each app keeps its own Burmese catalogue in <app>/locale; locale/ holds Django's own strings (hand-kept).
APPS := helpdesk agencies complaints bots
messages: $(VENV)/.installed
	for app in $(APPS); do \
	  (cd $$app && DJANGO_SETTINGS_MODULE=helpdesk.settings PYTHONPATH=.. ../$(BIN)/django-admin makemessages -l my --no-obsolete) || exit 1; \
	  msgfmt --check -o $$app/locale/my/LC_MESSAGES/django.mo $$app/locale/my/LC_MESSAGES/django.po || exit 1; \
	done

bench: $(VENV)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
