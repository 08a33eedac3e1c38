# KeyLink. The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go
BIN := bin/keylink

.PHONY: run test build lint fmt bench load db

LOAD_SECONDS ?= 30

## run: start PostgreSQL if DATABASE_URL is unset, migrate, seed an empty database, serve on :8080
run: build
	@scripts/run.sh

## test: the whole suite with -race against a real PostgreSQL (started if DATABASE_URL is unset)
test:
	@scripts/test-deps.sh
	@export DATABASE_URL="$$(scripts/db.sh)" && $(GO) vet ./... && $(GO) test -race -count=1 -timeout 20m ./...

build:
	@$(GO) build -o $(BIN) ./cmd/keylink

## db: print the URL of the local database, starting it if needed
db:
	@scripts/db.sh

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

## bench: Go benchmarks of the store and the pgbench baseline beside them
bench:
	@export DATABASE_URL="$$(scripts/db.sh)" && $(GO) test -run '^$$' -bench . -benchtime 3s ./eventstore/ && scripts/bench-baseline

## load: the HTTP load harness at 16 clients beside a pgbench INSERT baseline (see docs/load.md)
load:
	@scripts/load $(LOAD_SECONDS)
