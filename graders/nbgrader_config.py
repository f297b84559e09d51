"""nbgrader course configuration for SETS (run nbgrader, or `sets grade`, from this folder)."""

import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "sets"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The answers file saved by the quiz widget travels with the submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.tmp"]
# Autograde executes only nbgrader's cells (setup, quiz, hidden grade cells), not the
# lesson's exercises: see sets_courseware/nbgrader_ext.py.
from sets_courseware.nbgrader_ext import graded_cells_only  # noqa: E402

c.Autograde.autograde_preprocessors = graded_cells_only()
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
# Exchange for a JupyterHub deployment (set by the hub configuration).
c.Exchange.root = os.environ.get("SETS_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.assignment_dir = "."
