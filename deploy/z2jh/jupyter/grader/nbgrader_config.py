"""nbgrader configuration of a grader's server on Kubernetes (JUPYTER_CONFIG_PATH points here).

The course directory (the repository's graders/ folder, copied once into the course volume)
is mounted at SETS_GRADERS_DIR in graders' pods only; its own nbgrader_config.py plugs in
sets_courseware's graded-cells-only autograde and the exchange root.
"""

import os

c = get_config()  # noqa: F821  (provided by the config loader)

course = os.environ.get("SETS_GRADERS_DIR", "/srv/nbgrader/course")
if os.path.isfile(os.path.join(course, "nbgrader_config.py")):
    load_subconfig(os.path.join(course, "nbgrader_config.py"))  # noqa: F821
c.CourseDirectory.root = course
c.CourseDirectory.course_id = "sets"
c.Exchange.root = os.environ.get("SETS_EXCHANGE", "/srv/nbgrader/exchange")
