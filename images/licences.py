"""The licences an image may be published under: a name for people, and the licence's own page."""

from __future__ import annotations

from django.db import models


class Licence(models.TextChoices):
    ALL_RIGHTS_RESERVED = "all-rights-reserved", "All rights reserved (used with permission)"
    CC0 = "cc0-1.0", "CC0 1.0 (public domain dedication)"
    PUBLIC_DOMAIN = "public-domain", "Public domain (no known copyright)"
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_ND = "cc-by-nd-4.0", "CC BY-ND 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0"
    CC_BY_NC_ND = "cc-by-nc-nd-4.0", "CC BY-NC-ND 4.0"


# The licence's own deed; "all rights reserved" has none (the image's source URL says where
# permission was given).
LICENCE_URLS = {
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.PUBLIC_DOMAIN: "https://creativecommons.org/publicdomain/mark/1.0/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}

# Short names for a caption's credit line ("Credit: Jane Doe · CC BY 4.0").
SHORT_NAMES = {
    Licence.ALL_RIGHTS_RESERVED: "All rights reserved",
    Licence.CC0: "CC0 1.0",
    Licence.PUBLIC_DOMAIN: "Public domain",
}


def licence_url(code: str) -> str:
    return LICENCE_URLS.get(code, "") if code in Licence.values else ""  # type: ignore[call-overload]


def short_name(code: str) -> str:
    if code not in Licence.values:
        return ""
    return SHORT_NAMES.get(Licence(code), Licence(code).label)
