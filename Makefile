# Thin wrappers over scripts/ (the README's commands call the scripts directly, so make is optional).
.PHONY: test deps build release demo dist bench fuzz
SCENARIO ?= reference-chained
SECONDS ?= 60
test:
	bash scripts/test.sh
deps:
	bash scripts/deps.sh
build:
	swift build
release:
	swift build -c release --product rolehop
demo:
	SCENARIO=$(SCENARIO) bash scripts/demo.sh
dist:
	bash scripts/dist.sh
bench:
	bash scripts/bench.sh
fuzz:
	bash scripts/fuzz.sh $(SECONDS)
