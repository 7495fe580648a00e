"""Repeated wrong access codes over GraphQL: RATE_LIMITED with retryAfterSeconds, through the app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tests.schema.test_requests_schema import CANCEL, STATUS, SUBMIT, request_input, running, write_config

WRONG = "WRONG-CODE-0000"


def config_with_limit(directory: Path, limit: str) -> Path:
    path = write_config(directory)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["requests"] = {"access_code_attempts": limit}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


async def test_wrong_codes_past_the_limit_answer_rate_limited_with_when_to_retry(tmp_path: Path) -> None:
    async with running(config_with_limit(tmp_path, "2/15 minutes"), migrate=True) as client:

        async def post(query: str, **variables: Any) -> dict[str, Any]:
            response = await client.post("/graphql", json={"query": query, "variables": variables})
            assert response.status_code == 200, response.text
            answer: dict[str, Any] = response.json()
            return answer

        submitted = await post(SUBMIT, input=request_input())
        receipt = submitted["data"]["submitInformationRequest"]
        number, code = receipt["registrationNumber"], receipt["accessCode"]

        first = await post(STATUS, number=number, code=WRONG)
        second = await post(CANCEL, input={"registrationNumber": number, "accessCode": WRONG})
        assert [a["errors"][0]["extensions"]["key"] for a in (first, second)] == ["WRONG_ACCESS_CODE"] * 2

        limited = await post(STATUS, number=number, code=code)  # the right code, too late
        assert limited["data"]["requestStatus"] is None
        [error] = limited["errors"]
        extensions = error["extensions"]
        assert extensions["code"] == "RATE_LIMITED"
        assert 0 < extensions["retryAfterSeconds"] <= 15 * 60
        assert " WIB " in error["message"] and error["message"] == extensions["message_en"]
        assert "coba lagi" in extensions["message_id"]
        assert code not in json.dumps(limited)

        cancel = await post(CANCEL, input={"registrationNumber": number, "accessCode": code})
        assert cancel["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        public = await post(STATUS, number=number)  # the state without a code is still shown
        assert public["data"]["requestStatus"]["state"] == "RECEIVED"
