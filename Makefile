.PHONY: run test lint data bench serve-cluster load-test

run:  ## install what the app needs, warm it up and serve it at http://localhost:8501
	bash scripts/setup.sh
	python3 scripts/serve.py

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

serve-cluster:  ## N replicas behind nginx, one shared PostgreSQL (REPLICAS=3 LISTEN=127.0.0.1:8080)
	bash scripts/setup.sh
	bash scripts/serve_cluster.sh --replicas $(or $(REPLICAS),3) --listen $(or $(LISTEN),127.0.0.1:8080)

load-test:  ## K browser sessions against 1 and 3 replicas (loopback only; stops by itself)
	python3 bench/load_test.py
