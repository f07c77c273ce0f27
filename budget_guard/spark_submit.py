"""The script ``spark-submit`` runs: ``spark-submit … $(python -m budget_guard.spark_submit --path) check …``.

spark-submit takes a Python *file*; run as a file, this folder would come first on ``sys.path``
(where our module names could shadow others), so it is removed before the package is imported.
"""

import sys

if __name__ == "__main__":
    if sys.path and sys.path[0] and sys.argv[1:2] != ["--path"]:
        sys.path.pop(0)
    if sys.argv[1:2] == ["--path"]:
        print(__file__)
        sys.exit(0)
    from budget_guard.cli.main import main

    sys.exit(main(sys.argv[1:]))
