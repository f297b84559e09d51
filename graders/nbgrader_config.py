"""nbgrader course configuration for SETS (run nbgrader, or `sets grade`, from this folder)."""

import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "sets"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The answers file saved by the quiz widget travels with the submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.tmp"]
# Module notebooks run lessons and exercises before the grade cells.
c.Execute.timeout = 300
c.Execute.allow_errors = True
c.Execute.interrupt_on_timeout = True
# Exchange for a JupyterHub deployment (set by the hub configuration).
c.Exchange.root = os.environ.get("SETS_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.assignment_dir = "."
