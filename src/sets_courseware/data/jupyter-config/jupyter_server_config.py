# The SETS courseware's Jupyter server settings (`sets serve`, hub single-user servers).
# Everything is defined in sets_courseware.serve.jupyter_config(); see that module's docstring.
from sets_courseware.serve import jupyter_config

c.merge(jupyter_config())  # noqa: F821 - `c` is given by traitlets when it loads this file
