.PHONY: run test lint data bench

run:  ## install what the app needs and open it at http://localhost:8501
	bash scripts/setup.sh
	python3 -m streamlit run app.py

test:  ## install everything the tests need (Chromium, PostgreSQL included) and run them all
	bash scripts/test.sh

lint:
	ruff check . && ruff format --check .

data:  ## regenerate the generated datasets and validate them
	python3 -m data.build_targets
	python3 -m data.build_initiatives
	python3 -m data.validate

bench:
	python3 bench/map_bench.py
