# SPDX-License-Identifier: MIT
"""Print the package directory this Python searches under the prefix
given as argument (sys.path or the user's site), or nothing."""
import site
import sys

prefix = sys.argv[1].rstrip("/") + "/"
dirs = [d for d in sys.path + [site.getusersitepackages()]
        if d.startswith(prefix) and d.rstrip("/").endswith(("site-packages", "dist-packages"))]
print(dirs[0] if dirs else "")
