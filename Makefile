# The README's two commands: `make demo` (a generation end to end on the embedded local stack) and
# `make test` (the whole suite). Both install what they need first; both are safe to re-run.
SHELL := /bin/bash
PROMPT ?= A launch poster for our solar camping lamp, in my usual style

.PHONY: demo test install build stack-up stack-down

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: node_modules/.installed

build: install
	npm run build --silent

stack-up: build
	node dist/infra/stackCli.js up --restart-workers

stack-down:
	node dist/infra/stackCli.js down

demo: stack-up
	node dist/client/cli.js generate --wait "$(PROMPT)"

# Stage timings, test counts and the real-Postgres run: see infra/ci/test.sh.
test:
	./infra/ci/test.sh
