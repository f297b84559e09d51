"""nbgrader course configuration for SETS (run nbgrader, or `sets grade`, from this folder)."""

import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "sets"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The answers file saved by the quiz widget travels with the submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.tmp"]
# Autograde executes only nbgrader's cells (setup, quiz, hidden grade cells), not the
# lesson's exercises: see sets_courseware/nbgrader_ext.py.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from sets_courseware.nbgrader_ext import TeachingFeedback, graded_cells_only  # noqa: E402

c.Autograde.autograde_preprocessors = graded_cells_only()
# A grade cell reads a small file: 30 s is generous; `sets grade autograde` also limits each
# submission's wall-clock time (SETS_GRADE_TIMEOUT) and runs one worker per core.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
c.ExecuteGradedCells.max_output_bytes = 1_000_000
# Feedback teaches: per question the points, the learner's choice, the right answer and its
# explanation (module-quiz keys only); never a cell's source, an assertion or a traceback.
# "always" | "after_due_date" (default; at once when no due date is set) | "never".
c.GenerateFeedback.preprocessors = [GetGrades, TeachingFeedback, CSSHTMLHeaderPreprocessor]
c.TeachingFeedback.show_answers = os.environ.get("SETS_FEEDBACK_ANSWERS", "after_due_date")
c.GenerateFeedback.post_convert_hook = "sets_courseware.nbgrader_ext.keep_only_feedback"
# Exchange for a JupyterHub deployment (set by the hub configuration).
c.Exchange.root = os.environ.get("SETS_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.assignment_dir = "."
