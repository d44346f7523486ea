# Thin wrappers over scripts/ (the README's commands call the scripts directly, so make is optional).
.PHONY: test deps build release demo fuzz
# Seconds per fuzz harness (make fuzz SECONDS=600).
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
	bash scripts/demo.sh
fuzz:
	bash scripts/fuzz.sh $(SECONDS)
