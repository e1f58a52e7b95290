"""The two contenders, doing the same requests against the same server.

- ``InvoicekitContender``: the public API (``invoicekit.connect``, ``get``, ``list``), typed
  models out, with its default options except ``max_concurrency``.
- ``RawContender``: a plain ``aiohttp.ClientSession`` with the same connection limit, the same
  URLs, query and auth headers, checking the status and parsing the body only, the way a
  careful hand-written client would with the standard tools: ``json.loads`` for JSON,
  ``defusedxml.ElementTree.fromstring`` (DTDs forbidden; the stdlib parser is unsafe for
  answers from the network) for ONLYOFFICE XML. No models, no validation, no envelope checks
  beyond paging. invoicekit itself parses JSON with msgspec and plain XML with ElementTree
  behind a markup check (see ``invoicekit.onlyoffice.xml_reader.parse_xml``); the decode section
  also compares it with the unguarded stdlib XML parse.

Both return how many invoices they received, so a contender that skipped work would show.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aiohttp
import defusedxml.ElementTree

import invoicekit
from invoicekit import InvoiceClient

LOCATION = "ve9EPM428h8vShlRW1KT"
TOKEN = "bench-token-not-a-secret"


def provider_of(fmt: str) -> str:
    return fmt.split("-", 1)[0]


def _parse_xml(body: bytes) -> Any:
    return defusedxml.ElementTree.fromstring(body, forbid_dtd=True)


class InvoicekitContender:
    name = "invoicekit"

    def __init__(self, fmt: str, base_url: str, *, max_concurrency: int) -> None:
        self.fmt = fmt
        config: dict[str, Any] = {"token": TOKEN, "base_url": base_url, "max_concurrency": max_concurrency}
        if provider_of(fmt) == "onlyoffice":
            config.update(provider="onlyoffice", response_format=fmt.split("-", 1)[1])
        else:
            config.update(provider="gohighlevel", location_id=LOCATION)
        self.client: InvoiceClient = invoicekit.connect(config)

    async def get(self, invoice_id: int) -> int:
        if provider_of(self.fmt) == "onlyoffice":
            await self.client.get(invoice_id)
        else:
            await self.client.get(f"6578278e879ad2646715{invoice_id:04x}")
        return 1

    async def list_all(self, page_size: int) -> int:
        count = 0
        async for _invoice in self.client.list(page_size=page_size):
            count += 1
        return count

    async def aclose(self) -> None:
        await self.client.aclose()


class RawContender:
    name = "raw"

    def __init__(self, fmt: str, base_url: str, *, max_concurrency: int) -> None:
        self.fmt = fmt
        self.base_url = base_url
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=max_concurrency, limit_per_host=max_concurrency)
        )
        self.parse: Callable[[bytes], Any] = _parse_xml if fmt == "onlyoffice-xml" else json.loads
        if provider_of(fmt) == "onlyoffice":
            self.suffix = ".xml" if fmt == "onlyoffice-xml" else ".json"
            accept = "text/xml" if fmt == "onlyoffice-xml" else "application/json"
            self.headers = {"Authorization": TOKEN, "Accept": accept}
        else:
            self.headers = {"Authorization": f"Bearer {TOKEN}", "Version": "2021-07-28", "Accept": "application/json"}

    async def _fetch(self, url: str, params: dict[str, str] | None = None) -> Any:
        async with self.session.get(url, params=params, headers=self.headers) as resp:
            if resp.status != 200:
                raise RuntimeError(f"raw: HTTP {resp.status} from {url}")
            body = await resp.read()
        return self.parse(body)

    async def get(self, invoice_id: int) -> int:
        if provider_of(self.fmt) == "onlyoffice":
            await self._fetch(f"{self.base_url}api/2.0/crm/invoice/{invoice_id}{self.suffix}")
        else:
            url = f"{self.base_url}invoices/6578278e879ad2646715{invoice_id:04x}"
            await self._fetch(url, {"altId": LOCATION, "altType": "location"})
        return 1

    async def list_all(self, page_size: int) -> int:
        count = 0
        start = 0
        if provider_of(self.fmt) == "onlyoffice":
            url = f"{self.base_url}api/2.0/crm/invoice/filter{self.suffix}"
            while True:  # same stop rule as invoicekit: a short page is the last
                data = await self._fetch(url, {"sortBy": "id", "count": str(page_size), "startIndex": str(start)})
                got = len(data.findall("response")) if self.fmt == "onlyoffice-xml" else len(data["response"])
                count += got
                start += got
                if got < page_size:
                    return count
        url = f"{self.base_url}invoices/"
        while True:  # GHL: offset until total
            query = {"altId": LOCATION, "altType": "location", "limit": str(page_size), "offset": str(start)}
            data = await self._fetch(url, query)
            got = len(data["invoices"])
            count += got
            start += got
            if not got or start >= data["total"]:
                return count

    async def aclose(self) -> None:
        await self.session.close()


Contender = InvoicekitContender | RawContender
