"""dump_toml writes TOML that reads back as the same data, whatever the text.

dump_toml escaped strings with JSON's rules, which write text beyond U+FFFF as a surrogate pair
(``"\\ud83d\\ude00"``): TOML forbids surrogate code points, so a configuration holding an emoji or any
other non-BMP character came out as a file no TOML parser accepts. The property: for generated
options (text from the whole of Unicode, non-BMP favoured), ``tomllib.loads(dump_toml(options))``
is the data dump_toml was given, in the file format (rules as ``[[resources]]`` tables, ``None`` left out).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from wsgi_cors import CORSPolicy
from wsgi_cors._configfile import dump_toml, load_policy

from .strategies import fuzz_settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

non_bmp = st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, exclude_categories=("Cs",))
texts = st.one_of(
    st.text(alphabet=non_bmp, max_size=6),
    st.text(max_size=12),  # any code point but surrogates: controls, quotes, backslashes, line breaks included
    st.lists(
        st.sampled_from(['"', "\\", "\n", "\x1b", "\U0001f600", "\U000e0001", "\uffff", "'''", "#", "=", "["])
        | st.text(max_size=3),
        max_size=6,
    ).map("".join),
)
values = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), texts, st.lists(texts, max_size=4))
option_names = st.sampled_from(
    [
        "origins",
        "methods",
        "allow_headers",
        "expose_headers",
        "max_age",
        "supports_credentials",
        "send_wildcard",
        "preflight_status",
    ]
)
option_dicts = st.dictionaries(option_names, values, max_size=5)


def in_file_format(options: dict[str, Any]) -> dict[str, Any]:
    """What dump_toml's output should parse to: None left out, rules as [[resources]] tables."""
    expected = {key: value for key, value in options.items() if key != "resources" and value is not None}
    rules = options.get("resources")
    if rules:
        expected["resources"] = [
            {"path": pattern, **{key: value for key, value in own.items() if value is not None}} for pattern, own in rules.items()
        ]
    return expected


@fuzz_settings(300)
@given(top=option_dicts, rules=st.dictionaries(texts, option_dicts, max_size=3))
def test_dump_toml_round_trips_through_a_toml_parser(top: dict[str, Any], rules: dict[str, dict[str, Any]]) -> None:
    """dump_toml: the output parses (tomllib) to exactly the options given, non-BMP text included."""
    options = {**top, "resources": rules}
    text = dump_toml(options)
    text.encode("utf-8")  # a TOML file is UTF-8
    assert tomllib.loads(text) == in_file_format(options)


@fuzz_settings(100)
@given(text=texts, surrogate=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
def test_text_with_a_lone_surrogate_is_a_comment_and_the_rest_still_parses(text: str, surrogate: str) -> None:
    """dump_toml: a lone surrogate has no UTF-8 form, so its value is shown as a comment, as a callable is."""
    output = dump_toml({"origins": [text + surrogate], "max_age": 5})
    output.encode("utf-8")
    assert tomllib.loads(output) == {"max_age": 5}
    assert output.startswith("# origins = ") and "not expressible in TOML" in output


def test_a_policy_with_emoji_in_its_patterns_is_written_and_loaded_back(tmp_path: Path) -> None:
    """dump_toml: the serve banner and a saved configuration of a policy with non-BMP paths load back as that policy."""
    policy = CORSPolicy(
        origins=["https://app.example.com"],
        expose_headers=["X-Total"],
        resources={"/\U0001f600/*": {"max_age": 60}, "/caf\u00e9/\U00010348/*": {"methods": ["GET"]}, "/*": {}},
    )
    path = tmp_path / "cors.toml"
    path.write_text(dump_toml(policy.describe()), encoding="utf-8")
    assert load_policy(path, environ={}).describe() == policy.describe()
