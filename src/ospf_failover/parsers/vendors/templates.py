"""Reading table rows through an ntc-templates TextFSM template, and checking that the template read them all.

TextFSM raises only where a template has an ``Error`` rule; most templates have none and skip a line they do not
know without a word, and none of them says which line a record came from. So the caller finds the table's rows
itself (the lines under the heading) and this module requires one record per row, in order, whose values, in
the template's order, are exactly the row's blank-separated fields: a row the template skipped, read in part or
read otherwise, and a record no row accounts for, are refused at that row. A TextFSM failure is refused too; the
text is never passed on unparsed.
"""

from __future__ import annotations

from typing import Any

import textfsm
from ntc_templates.parse import ParsingException, parse_output

from ospf_failover.models import OspfNeighbor
from ospf_failover.parsers.refusal import Refuser
from ospf_failover.parsers.vendors.screen import Line
from ospf_failover.parsers.vendors.shapes import new_neighbor


def read_rows(
    *, template: tuple[str, str], lines: list[Line], rows: list[Line], refuse: Refuser
) -> list[tuple[Line, dict[str, str]]]:
    """Each of ``rows`` with the record the ntc-templates template for ``template`` (platform, command) made of
    it. ``lines`` is the whole screened output, which the template reads as the device printed it."""
    platform, command = template
    name = f"ntc-templates {platform} {command!r}"
    try:
        records: list[dict[str, Any]] = parse_output(
            platform=platform, command=command, data="\n".join(line.text for line in lines)
        )
    except (ParsingException, textfsm.TextFSMError) as exc:
        reason = " ".join(str(exc).split())
        raise refuse(f"the {name} template failed: {reason}") from exc
    pairs: list[tuple[Line, dict[str, str]]] = []
    for index, row in enumerate(rows):
        if index == len(records):
            raise refuse(f"the {name} template did not read this row", row.number, row.text)
        record = {key: str(value) for key, value in records[index].items()}
        read = " ".join(value for value in record.values() if value).split()
        if read != row.text.split():
            raise refuse(f"the {name} template read this row otherwise ({' '.join(read)!r})", row.number, row.text)
        pairs.append((row, record))
    if len(records) > len(rows):
        raise refuse(f"the {name} template made {len(records)} records of {len(rows)} rows")
    return pairs


def read_neighbor_rows(
    *, template: tuple[str, str], lines: list[Line], rows: list[Line], refuse: Refuser
) -> list[OspfNeighbor]:
    """An OSPF neighbour table's rows read through its template (:func:`read_rows`), as OspfNeighbor shapes: the
    templates of every platform that has one name the fields alike."""
    return [
        new_neighbor(
            neighbor_id=record["neighbor_id"],
            priority=int(record["priority"]),
            state_role=record["state"],
            address=record["ip_address"],
            interface=record["interface"],
            vrf=None,
            refuse=refuse,
            line=row,
        )
        for row, record in read_rows(template=template, lines=lines, rows=rows, refuse=refuse)
    ]
