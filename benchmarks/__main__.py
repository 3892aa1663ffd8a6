"""`python -m benchmarks` (what `make bench` runs). See benchmarks/README.md."""

from .run import main

raise SystemExit(main())
