"""How an API surface describes itself to its readers: the /api/ index page, the OpenAPI
document's tags (one per surface, in this order) and the contract documents the portal
serves. Plain data, so that the settings can read it (config/surfaces.py lists the
surfaces)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Surface:
    """One vendor API that the portal speaks, as a client developer meets it."""

    # The OpenAPI tag of every operation of the surface: the vendor's name.
    tag: str
    # What the surface serves, in a few words.
    serves: str
    # Where its routes start (templates such as `/api/v1/statuses/{id}`).
    base_paths: tuple[str, ...]
    # The credential headers a request sends: one group per accepted form, each group the
    # headers sent together.
    authentication: tuple[tuple[str, ...], ...]
    # Where those credentials come from.
    credentials: str
    # The repository path of its contract, served by the portal at the same path.
    contract: str
    # A sentence or two more for the API documentation (Markdown).
    notes: str = ""
    # A section of documentation only, with no operations of its own (ReDoc's
    # `x-traitTag`), such as the OAuth2 server that issues a surface's tokens.
    trait: bool = False

    @property
    def anchor(self) -> str:
        """The id of the surface's section on the /api/ page."""
        return self.tag.lower().replace(".", "").replace(" ", "-")

    def openapi_tag(self) -> dict:
        """The surface's entry in the OpenAPI document's `tags`."""
        lines = [self.serves + ".", ""]
        if self.notes:
            lines += [self.notes, ""]
        lines += [
            "**Base paths:** " + ", ".join(f"`{path}`" for path in self.base_paths) + "  ",
            "**Authentication:** "
            + " or ".join(
                " with ".join(f"`{header}`" for header in group) for group in self.authentication
            )
            + f". {self.credentials}  ",
            f"**Contract:** [{self.contract}](/{self.contract}): what this portal does "
            "where the vendor's own documentation is silent or wrong.",
        ]
        tag = {"name": self.tag, "description": "\n".join(lines)}
        if self.trait:
            tag["x-traitTag"] = True
        return tag


def openapi_tags(surfaces) -> list[dict]:
    """SPECTACULAR_SETTINGS["TAGS"]: one tag per surface, in the order given."""
    return [surface.openapi_tag() for surface in surfaces]
