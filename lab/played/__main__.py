from __future__ import annotations

import sys

from .terminal import main

sys.exit(main())
