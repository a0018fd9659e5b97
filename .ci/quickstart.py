"""Print one of the README's two Quick start commands: ``run`` or ``test``.

CI runs the commands exactly as the README shows them, so the two can never
drift apart.
"""

import re
import sys
from pathlib import Path

readme = Path(__file__).resolve().parent.parent / "README.md"
section = readme.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"```(?:sh|bash|shell)\n(.*?)```", section, re.S)
if len(blocks) < 2:
    sys.exit("README.md: Quick start must open with two shell code blocks")
which = {"run": 0, "test": 1}[sys.argv[1]]
print(" && ".join(line.strip() for line in blocks[which].strip().splitlines()))
