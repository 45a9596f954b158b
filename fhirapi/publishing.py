"""What a read or a search publishes: the selector's rows turned into R4B resources by the
builders, and a search page into a searchset Bundle (matches, `_include`d resources, paging
links, and an OperationOutcome entry for a warning such as a capped `_count`).

Nothing here queries beyond the selectors, so a page's query count is theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from fhir.resources.R4B.resource import Resource

from credentialing.models import Payer, PayerApplication
from directory.models import DirectoryProfile
from fhirapi import builders, fragments, ids, selectors
from fhirapi.builders import Site
from fhirapi.responses import outcome
from fhirapi.search import Cursor, SearchParams, cursor_text

# The organisations' own data (names, types, Alma's address) has no row with a timestamp; this is
# when their published shape last changed. Move it on with a change to those builders.
ORGANIZATIONS_UPDATED = datetime(2026, 12, 2, tzinfo=UTC)


def _alma() -> Resource:
    return builders.build_alma(last_updated=ORGANIZATIONS_UPDATED)


def _license_type(profile: DirectoryProfile) -> str:
    """The provider's licence type, annotated on the profile's row by the selector (no query)."""
    return str(getattr(profile, "license_type"))  # noqa: B009 - an annotation, not a field


def _practitioner(profile: DirectoryProfile, site: Site) -> Resource:
    return builders.build_practitioner(
        profile, license_type=_license_type(profile), last_updated=profile.updated_at, site=site
    )


def _role(application: PayerApplication, site: Site) -> Resource:
    return builders.build_role(
        application.provider.directory_profile,
        license_type=application.provider.license_type,
        payer=application.payer,
        effective_date=application.effective_date,
        last_updated=getattr(application, "last_updated"),  # noqa: B009 - annotated by the selector
        site=site,
    )


def _location(profile: DirectoryProfile) -> Resource:
    return builders.build_location(profile, last_updated=profile.updated_at)


def _service(profile: DirectoryProfile, mode: str, license_type: str) -> Resource:
    return builders.build_service(
        profile, mode=mode, license_type=license_type, last_updated=profile.updated_at
    )


def _organizations(today: date) -> list[Resource]:
    return _organizations_of(selectors.published_payers(today=today))


def _organizations_of(payers: list[Payer]) -> list[Resource]:
    """Alma, then each published payer and its network, in id order (a short list: in memory)."""
    found = [_alma()]
    for payer in payers:
        found.append(builders.build_payer(payer, last_updated=ORGANIZATIONS_UPDATED))
        found.append(builders.build_network(payer, last_updated=ORGANIZATIONS_UPDATED))
    return found


def _affiliations(today: date) -> list[tuple[Payer, Resource]]:
    return [
        (
            payer,
            builders.build_affiliation(
                payer,
                since=_since(payer),
                last_updated=ORGANIZATIONS_UPDATED,
            ),
        )
        for payer in selectors.published_payers(today=today)
    ]


def _since(payer: Payer) -> date | None:
    return getattr(payer, "since")  # noqa: B009 - annotated by the selector


# ---------------------------------------------------------------------------------------------
# Read


def _read_role(resource_id: str, site: Site, today: date) -> Resource | None:
    key = ids.parse_role(resource_id)
    application = selectors.role(*key, today=today) if key else None
    return _role(application, site) if application else None


def _read_profile(resource_id: str) -> DirectoryProfile | None:
    pk = ids.parse_profile(resource_id) if resource_id.isdigit() else None
    return selectors.profile(pk) if pk is not None else None


def _read_practitioner(resource_id: str, site: Site, today: date) -> Resource | None:
    profile = _read_profile(resource_id)
    return _practitioner(profile, site) if profile else None


def _read_location(resource_id: str, site: Site, today: date) -> Resource | None:
    profile = _read_profile(resource_id)
    return _location(profile) if profile and builders.has_location(profile) else None


def _read_service(resource_id: str, site: Site, today: date) -> Resource | None:
    service = ids.parse_service(resource_id)
    profile = selectors.profile(service[0]) if service else None
    if profile is None or service is None or service[1] not in builders.service_modes(profile):
        return None
    return _service(profile, service[1], _license_type(profile))


def _read_organization(resource_id: str, site: Site, today: date) -> Resource | None:
    if resource_id == ids.ALMA:
        return _alma()
    return next((org for org in _organizations(today) if org.id == resource_id), None)


def _read_affiliation(resource_id: str, site: Site, today: date) -> Resource | None:
    return next((aff for _, aff in _affiliations(today) if aff.id == resource_id), None)


_READERS: dict[str, Callable[[str, Site, date], Resource | None]] = {
    "PractitionerRole": _read_role,
    "Practitioner": _read_practitioner,
    "Location": _read_location,
    "HealthcareService": _read_service,
    "Organization": _read_organization,
    "OrganizationAffiliation": _read_affiliation,
}


def read(resource_type: str, resource_id: str, *, site: Site, today: date) -> Resource | None:
    """The resource, or None when it is not published (never was, or left: 404 either way, so a
    hidden or offboarded profile's id reveals nothing)."""
    reader = _READERS.get(resource_type)
    return reader(resource_id, site, today) if reader else None


# ---------------------------------------------------------------------------------------------
# Search


@dataclass(frozen=True)
class _Source:
    """A resource a page will show, not built yet: its id, how to build it, and the inputs it
    is built from (its cache key; None for one built already)."""

    resource_type: str
    resource_id: str
    build: Callable[[], Resource]
    inputs: dict[str, Any] | None
    last_updated: datetime | None


def _built(resource: Resource, inputs: dict[str, Any]) -> _Source:
    """A resource built already (the in-memory organisations, which their filters read): its
    entry's JSON is still cached under `inputs`, what it was built from."""
    return _Source(
        resource.get_resource_type(),
        str(resource.id),
        lambda: resource,
        inputs,
        resource.meta.lastUpdated if resource.meta else None,
    )


def _profile_inputs(kind: str, profile: DirectoryProfile, **more: Any) -> dict[str, Any]:
    """Every profile field the selector reads (a little more than each resource shows: a change
    to another field only costs a rebuild) and whatever else the builder is given."""
    return {"kind": kind, **{name: getattr(profile, name) for name in selectors.PROFILE_FIELDS}, **more}


def _role_source(application: PayerApplication, site: Site) -> _Source:
    profile = application.provider.directory_profile
    last_updated = getattr(application, "last_updated")  # noqa: B009 - annotated by the selector
    inputs = _profile_inputs(
        "PractitionerRole",
        profile,
        license_type=application.provider.license_type,
        payer=[application.payer.pk, application.payer.name],
        effective_date=application.effective_date,
        last_updated=last_updated,
        origin=site.origin,
    )
    role_id = ids.role_id(profile.pk, application.payer.pk)
    return _Source("PractitionerRole", role_id, lambda: _role(application, site), inputs, last_updated)


def _practitioner_source(profile: DirectoryProfile, license_type: str, site: Site) -> _Source:
    def build() -> Resource:
        return builders.build_practitioner(
            profile, license_type=license_type, last_updated=profile.updated_at, site=site
        )

    inputs = _profile_inputs("Practitioner", profile, license_type=license_type, origin=site.origin)
    return _Source("Practitioner", str(profile.pk), build, inputs, profile.updated_at)


def _location_source(profile: DirectoryProfile) -> _Source:
    inputs = _profile_inputs("Location", profile)
    return _Source("Location", str(profile.pk), lambda: _location(profile), inputs, profile.updated_at)


def _service_source(profile: DirectoryProfile, mode: str, license_type: str) -> _Source:
    inputs = _profile_inputs("HealthcareService", profile, mode=mode, license_type=license_type)
    return _Source(
        "HealthcareService",
        ids.service_id(profile.pk, mode),
        lambda: _service(profile, mode, license_type),
        inputs,
        profile.updated_at,
    )


_ALMA_INPUTS = {"kind": "Alma", "last_updated": ORGANIZATIONS_UPDATED}


def _alma_source() -> _Source:
    return _Source("Organization", ids.ALMA, _alma, _ALMA_INPUTS, ORGANIZATIONS_UPDATED)


def _payer_inputs(payer: Payer) -> dict[str, Any]:
    return {
        "kind": "Payer",
        "payer": [payer.pk, payer.name, payer.states],
        "last_updated": ORGANIZATIONS_UPDATED,
    }


def _payer_source(payer: Payer) -> _Source:
    def build() -> Resource:
        return builders.build_payer(payer, last_updated=ORGANIZATIONS_UPDATED)

    return _Source("Organization", ids.payer_id(payer.pk), build, _payer_inputs(payer), ORGANIZATIONS_UPDATED)


def _network_inputs(payer: Payer) -> dict[str, Any]:
    return {"kind": "Network", "payer": [payer.pk, payer.name], "last_updated": ORGANIZATIONS_UPDATED}


def _network_source(payer: Payer) -> _Source:
    def build() -> Resource:
        return builders.build_network(payer, last_updated=ORGANIZATIONS_UPDATED)

    return _Source(
        "Organization", ids.network_id(payer.pk), build, _network_inputs(payer), ORGANIZATIONS_UPDATED
    )


def _affiliation_inputs(payer: Payer) -> dict[str, Any]:
    return {
        "kind": "OrganizationAffiliation",
        "payer": [payer.pk, payer.name],
        "since": _since(payer),
        "last_updated": ORGANIZATIONS_UPDATED,
    }


class _Entries:
    """A searchset's entries: matches in page order, then includes, each resource once (and
    built at most once: a resource already on the page is not built again)."""

    def __init__(self, site: Site):
        self.site = site
        self.matches: list[fragments.Entry] = []
        self.includes: list[fragments.Entry] = []
        self._seen: set[str] = set()

    def _entry(self, source: _Source, mode: str) -> fragments.Entry | None:
        full_url = self.site.full_url(source.resource_type, source.resource_id)
        if full_url in self._seen:
            return None
        self._seen.add(full_url)
        return fragments.Entry(full_url, mode, source.build, source.inputs, source.last_updated)

    def match(self, source: _Source) -> None:
        if entry := self._entry(source, "match"):
            self.matches.append(entry)

    def include(self, source: _Source) -> None:
        if entry := self._entry(source, "include"):
            self.includes.append(entry)

    @property
    def newest(self) -> datetime | None:
        moments = [e.last_updated for e in self.matches if e.last_updated is not None]
        return max(moments, default=None)


def _link(relation: str, self_url: str, query: QueryDict, cursor: str | None) -> dict:
    pairs = [(name, value) for name, values in query.lists() if name != "_cursor" for value in values]
    if cursor:
        pairs.append(("_cursor", cursor))
    base = self_url.split("?", 1)[0]
    return {"relation": relation, "url": f"{base}?{urlencode(pairs)}" if pairs else base}


def _in_memory_page(resources: list, params: SearchParams) -> selectors.Page:
    """Keyset paging over a short list already in memory (organisations): the key is the
    position in the list's fixed id order."""
    total = len(resources)
    cursor: Cursor | None = params.cursor
    start = 0
    end = total
    if cursor is not None and cursor.after:
        start = cursor.key[0] + 1
    elif cursor is not None:
        end = cursor.key[0]
    if cursor is not None and not cursor.after:
        start = max(0, end - params.count)
    else:
        end = min(total, start + params.count)
    rows = resources[start:end] if params.count else []
    return selectors.Page(
        rows=rows,
        total=total,
        has_next=end < total and bool(rows),
        has_previous=start > 0,
        first_key=(start,) if rows else None,
        last_key=(end - 1,) if rows else None,
    )


def _reference_ids(references) -> set[str]:
    return {r.reference.rsplit("/", 1)[-1] for r in references if r is not None and r.reference}


# Organization and OrganizationAffiliation are a short list in memory: their filters are
# predicates on the built resources.
_IN_MEMORY_FILTERS: dict[str, Callable[[Any, tuple], bool]] = {
    "_id": lambda r, values: r.id in values,
    "type": lambda r, values: any(c.code in values for t in r.type or [] for c in t.coding or []),
    "partof": lambda r, values: bool(_reference_ids([r.partOf]) & set(values)),
    "name": lambda r, values: any(
        word.lower().startswith(v.lower()) for v in values for word in (r.name or "").split()
    ),
    "network": lambda r, values: bool(
        _reference_ids(r.network or []) & {ids.network_id(pk) for pk in values}
    ),
}


def _in_memory_matches(resource: Resource, params: SearchParams) -> bool:
    if not all(_IN_MEMORY_FILTERS[name](resource, values) for name, values in params.criteria):
        return False
    moment = resource.meta.lastUpdated if resource.meta else None
    if moment is None:
        return not params.last_updated
    return all(
        (condition.ge is None or moment >= condition.ge) and (condition.lt is None or moment < condition.lt)
        for condition in params.last_updated
    )


def _search_roles(params: SearchParams, entries: _Entries, today: date) -> selectors.Page:
    site = entries.site
    page = selectors.role_page(params, today=today)
    for application in page.rows:
        entries.match(_role_source(application, site))
    for application in page.rows:
        for include in sorted(params.includes):
            for source in _role_includes(include, application, site):
                entries.include(source)
    return page


def _role_includes(include: str, application: PayerApplication, site: Site) -> list[_Source]:
    """What `_include=<include>` adds for one role: built from the role's own row (no query)."""
    profile = application.provider.directory_profile
    license_type = application.provider.license_type
    if include == "PractitionerRole:practitioner":
        return [_practitioner_source(profile, license_type, site)]
    if include == "PractitionerRole:organization":
        return [_alma_source()]
    if include == "PractitionerRole:location":
        return [_location_source(profile)] if builders.has_location(profile) else []
    if include == "PractitionerRole:network":
        return [_network_source(application.payer)]
    return [_service_source(profile, mode, license_type) for mode in builders.service_modes(profile)]


def _search_practitioners(params: SearchParams, entries: _Entries, today: date) -> selectors.Page:
    page = selectors.practitioner_page(params)
    for profile in page.rows:
        entries.match(_practitioner_source(profile, _license_type(profile), entries.site))
    return page


def _search_locations(params: SearchParams, entries: _Entries, today: date) -> selectors.Page:
    page = selectors.location_page(params)
    for profile in page.rows:
        entries.match(_location_source(profile))
    return page


def _search_services(params: SearchParams, entries: _Entries, today: date) -> selectors.Page:
    page = selectors.service_page(params)
    for profile, mode in page.rows:
        entries.match(_service_source(profile, mode, _license_type(profile)))
    return page


def _search_organizations(params: SearchParams, entries: _Entries, today: date) -> selectors.Page:
    payers = selectors.published_payers(today=today)
    everything = _organizations_of(payers)
    inputs = {ids.ALMA: _ALMA_INPUTS}
    for payer in payers:
        inputs[ids.payer_id(payer.pk)] = _payer_inputs(payer)
        inputs[ids.network_id(payer.pk)] = _network_inputs(payer)
    page = _in_memory_page([org for org in everything if _in_memory_matches(org, params)], params)
    by_id = {org.id: org for org in everything}
    for org in page.rows:
        entries.match(_built(org, inputs[org.id]))
    if "Organization:partof" in params.includes:
        for org in page.rows:
            for parent_id in _reference_ids([org.partOf]):
                entries.include(_built(by_id[parent_id], inputs[parent_id]))
    return page


def _search_affiliations(params: SearchParams, entries: _Entries, today: date) -> selectors.Page:
    affiliations = _affiliations(today)
    page = _in_memory_page([aff for _, aff in affiliations if _in_memory_matches(aff, params)], params)
    payers = {ids.affiliation_id(payer.pk): payer for payer, _ in affiliations}
    for aff in page.rows:
        entries.match(_built(aff, _affiliation_inputs(payers[aff.id])))
    for aff in page.rows:
        payer = payers[aff.id]
        if "OrganizationAffiliation:primary-organization" in params.includes:
            entries.include(_payer_source(payer))
        if "OrganizationAffiliation:participating-organization" in params.includes:
            entries.include(_alma_source())
        if "OrganizationAffiliation:network" in params.includes:
            entries.include(_network_source(payer))
    return page


_SEARCHES: dict[str, Callable[[SearchParams, _Entries, date], selectors.Page]] = {
    "PractitionerRole": _search_roles,
    "Practitioner": _search_practitioners,
    "Location": _search_locations,
    "HealthcareService": _search_services,
    "Organization": _search_organizations,
    "OrganizationAffiliation": _search_affiliations,
}


def searchset(
    params: SearchParams, *, site: Site, today: date, self_url: str, query: QueryDict
) -> tuple[str, datetime | None]:
    """The searchset Bundle's JSON for one page, and the newest `meta.lastUpdated` among its
    matches.

    No `timestamp`: the Bundle is then the same bytes while the data is, so its hash is an ETag."""
    entries = _Entries(site)
    page = _SEARCHES[params.resource_type](params, entries, today)
    links = [_link("self", self_url, query, params.cursor.text if params.cursor else None)]
    if params.cursor is not None:
        links.append(_link("first", self_url, query, None))
    if page.has_previous and page.first_key is not None:
        links.append(_link("previous", self_url, query, cursor_text(False, page.first_key)))
    if page.has_next and page.last_key is not None:
        links.append(_link("next", self_url, query, cursor_text(True, page.last_key)))
    warnings = [
        fragments.Entry(
            full_url=None,
            mode="outcome",
            build=partial(outcome, "too-costly", warning, severity="warning"),
            inputs=None,
            last_updated=None,
        )
        for warning in params.warnings
    ]
    text = fragments.searchset_json(
        total=page.total, links=links, entries=[*entries.matches, *entries.includes, *warnings]
    )
    return text, entries.newest
