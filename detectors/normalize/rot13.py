"""The "rot13" reading: a post, or a key in it, in ROT13, read back for the secrets rules.

"hf token in rot13: us_wPOnDat..." holds hf_jCBaQng...; "rot13'd: cj:
Dz7#gE2iJ9cr" reads "pw: Qm7#tR2vW9pe". The whole post is read so (ROT13
changes only ASCII letters, one for one, so offsets do not move), on a cheap
hint only: the word itself (rot13, ROT-13, rot 13, rot13'd), or a token
opening with a provider's prefix in ROT13 (us_ for hf_, tuc_ for ghp_; see
prefixes.py). The secrets rules then decide, as on any text; the rest of the
post reads as gibberish, which names no keyword. Terms have their own ROT13
readings (readings.py), so the terms detector does not read this one.
"""

from __future__ import annotations

import codecs
import re

from detectors.normalize.view import Draft

SOURCE = "ROT13 reading of the post"
SAID = re.compile(r"(?<![a-z0-9])rot[ _\-]?13(?![0-9])")  # on case-folded text


def said(lowered: str) -> bool:
    """The word ROT13 in the (case-folded) text; a prefix in ROT13 is prefixes.hints'."""
    return "13" in lowered and SAID.search(lowered) is not None


def rot13(draft: Draft) -> Draft:
    return draft.retext(codecs.encode(draft.text, "rot13"))
