"""The citizen's whole journey through the demo, over HTTP, as the issue's "done when" describes it.

``ppid-gateway demo`` runs (the whole simulated fleet, its own ledger, its
officers' keys); a citizen submits, checks the status with and without the
access code, the OPD's officer answers, the citizen objects, the atasan PPID
decides, and each step shows in Cek Status. Dinkes takes requests over HTTP,
so the request also reaches its simulated PPID system on the way.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

pytestmark = pytest.mark.integration

NIK = "3603124509900001"
REQUEST = {
    "opd": "dinkes",
    "requester": {
        "name": "Siti Aminah",
        "nik": NIK,
        "address": "Jl. Raya Serang No. 5, Tangerang",
        "phone": "081234567890",
        "email": "siti.aminah@example.org",
    },
    "details": "Data kasus demam berdarah per kecamatan tahun 2025",
    "purpose": "Penelitian skripsi",
    "obtainMethod": "COPY_SOFT",
    "deliveryMethod": "EMAIL",
}
RECEIPT = "registrationNumber accessCode opd { slug } routedBy dueDate state"
STATUS = """
query Status($number: String!, $code: String) {
  requestStatus(registrationNumber: $number, accessCode: $code) {
    registrationNumber kind state dueDate history { state actor }
    detail {
      outcomeMessage refusalGround decision
      requester { __typename name nik }
      objections { registrationNumber reason state }
    }
  }
}
"""


class Demo:
    """``ppid-gateway demo`` in a subprocess: its GraphQL URL and its officers' keys."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.url = ""
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "demo", "--port", "0", "--data-dir", str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )
        ready = threading.Event()

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.lines.append(line)
                match = re.search(r"GraphiQL: (http://\S+)", line)
                if match:
                    self.url = match.group(1)
                if "Press Ctrl-C" in line:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(120):
            self.stop()
            raise AssertionError("the demo did not start:\n" + "".join(self.lines))
        self.keys: dict[str, str] = yaml.safe_load((data_dir / "officer-keys.yaml").read_text())

    def post(self, query: str, officer: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {} if officer is None else {"Authorization": f"Bearer {self.keys[officer]}"}
        response = httpx.post(
            self.url, json={"query": query, "variables": variables}, headers=headers, timeout=30
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, officer: str | None = None, **variables: Any) -> dict[str, Any]:
        body = self.post(query, officer, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def status(self, number: str, code: str | None = None, officer: str | None = None) -> dict[str, Any]:
        status: dict[str, Any] = self.data(STATUS, officer, number=number, code=code)["requestStatus"]
        return status

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    running = Demo(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def test_submit_check_answer_object_decide(demo: Demo) -> None:
    # 1. The citizen submits and gets a receipt at once.
    receipt = demo.data(
        "mutation($input: InformationRequestInput!) {\n"
        f"  submitInformationRequest(input: $input) {{ {RECEIPT} }} }}",
        input=REQUEST,
    )["submitInformationRequest"]
    number, code = receipt["registrationNumber"], receipt["accessCode"]
    assert re.fullmatch(r"PI/\d{4}/DINKES/\d{6}", number)
    assert (receipt["opd"]["slug"], receipt["routedBy"], receipt["state"]) == (
        "dinkes",
        "EXPLICIT",
        "RECEIVED",
    )

    # 2. Cek Status by number alone: the state and dates, nothing personal.
    public = demo.status(number)
    assert public["dueDate"] == receipt["dueDate"] and public["detail"] is None
    # 3. With the access code: the details, the requester masked.
    mine = demo.status(number, code)
    assert mine["detail"]["requester"] == {
        "__typename": "MaskedRequester",
        "name": "S*** A***",
        "nik": "3603********0001",
    }

    # The request reaches Dinkes's own PPID system (it takes requests over HTTP): IN_PROCESS.
    deadline = time.monotonic() + 30
    while demo.status(number)["state"] != "IN_PROCESS":
        assert time.monotonic() < deadline, "the request was never delivered to Dinkes"
        time.sleep(0.2)

    # 4. The Dinkes PPID reads the requester in full and refuses on a Pasal 17 ground.
    assert demo.status(number, officer="dinkes-ppid")["detail"]["requester"]["nik"] == NIK
    other = demo.post(
        "mutation($n: String!) {\n"
        "  respondToRequest(input: {registrationNumber: $n, outcome: GRANTED}) { state } }",
        "dindikbud-ppid",
        n=number,
    )
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    answer = demo.data(
        """mutation($n: String!) { respondToRequest(input: {
             registrationNumber: $n, outcome: REFUSED, refusalGround: H,
             message: "Data per kecamatan memuat identitas pasien."}) { state } }""",
        "dinkes-ppid",
        n=number,
    )
    assert answer["respondToRequest"]["state"] == "REFUSED"

    # 5. The citizen's status shows the answer.
    answered = demo.status(number, code)
    assert answered["state"] == "REFUSED"
    assert [event["state"] for event in answered["history"]] == ["RECEIVED", "IN_PROCESS", "REFUSED"]
    assert answered["detail"]["outcomeMessage"] == "Data per kecamatan memuat identitas pasien."
    assert answered["detail"]["refusalGround"] == "H"

    # 6. The citizen objects (reason a: refused on a Pasal 17 exemption).
    objection = demo.data(
        f"""mutation($n: String!, $c: String!) {{ submitObjection(input: {{
              registrationNumber: $n, accessCode: $c, reason: A,
              statement: "Data agregat per kecamatan tidak memuat identitas pasien."}}) {{ {RECEIPT} }} }}""",
        n=number,
        c=code,
    )["submitObjection"]
    objection_number = objection["registrationNumber"]
    assert objection_number.startswith("KB/") and objection["opd"]["slug"] == "dinkes"
    assert demo.status(number, code)["detail"]["objections"] == [
        {"registrationNumber": objection_number, "reason": "A", "state": "RECEIVED"}
    ]

    # 7. The atasan PPID decides; the PPID cannot.
    decide = """mutation($n: String!) { decideObjection(input: {registrationNumber: $n,
                  decision: "Keberatan diterima: data agregat diberikan dalam 7 hari kerja."}) { state } }"""
    assert (
        demo.post(decide, "dinkes-ppid", n=objection_number)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    )
    assert demo.data(decide, "dinkes-atasan", n=objection_number)["decideObjection"]["state"] == "DECIDED"

    # 8. The objection's status shows the decision to its own access code.
    decided = demo.status(objection_number, objection["accessCode"])
    assert (decided["kind"], decided["state"]) == ("OBJECTION", "DECIDED")
    assert decided["detail"]["decision"] == "Keberatan diterima: data agregat diberikan dalam 7 hari kerja."
