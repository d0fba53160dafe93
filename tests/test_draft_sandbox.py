"""Issue 7: drafter templates run sandboxed with StrictUndefined."""

from __future__ import annotations

import pytest

from extractor.draft import sandbox
from extractor.draft.render import render_blocks
from extractor.errors import TemplateSecurityError, TemplateVariableError


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ lipsum.__globals__['os'] }}",
        "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    ],
)
def test_python_internals_are_refused(source):
    with pytest.raises(TemplateSecurityError, match="không được truy cập thuộc tính nội bộ") as info:
        sandbox.render_user(source, {})
    assert info.value.code == "E601"


@pytest.mark.parametrize(
    "source",
    [
        "{% include '/etc/passwd' %}",
        "{% include '../pyproject.toml' %}",
        "{% include 'kehoach/../../pyproject.toml' %}",
        "{% import '../../../etc/hostname' as h %}",
        "{% include 'file:///etc/passwd' %}",
    ],
)
def test_filesystem_is_refused(source):
    with pytest.raises(TemplateSecurityError, match="ngoài thư mục mẫu"):
        sandbox.render_user(source, {})


def test_missing_variable_names_variable_template_and_line():
    source = "Kế hoạch\n\n{{ doc.title }}\nCăn cứ {{ programme.decison }}\n"
    with pytest.raises(TemplateVariableError) as info:
        sandbox.render_user(
            source, {"doc": {"title": "X"}, "programme": {"decision": "1687/QĐ-TTg"}}, name="cua-toi.j2"
        )
    msg = str(info.value)
    assert "decison" in msg and "user/cua-toi.j2" in msg and "dòng 4" in msg


def test_missing_top_level_variable_is_not_an_empty_string():
    with pytest.raises(TemplateVariableError, match="'province' is undefined.*|.*province"):
        sandbox.render_user("Tỉnh {{ province }}", {})


def test_missing_variable_in_builtin_partial_names_the_partial():
    with pytest.raises(TemplateVariableError) as info:
        render_blocks(
            {"issuer": {"superior": None, "header": ["A"], "symbol": "UBND"}, "doc": {}},
            template="kehoach/header.j2",
        )
    assert "kehoach/header.j2" in str(info.value) and "dòng" in str(info.value)


def test_user_template_may_include_builtin_partials_and_use_data():
    ctx = {
        "issuer": {"superior": None, "header": ["ỦY BAN NHÂN DÂN", "TỈNH CAO BẰNG"], "symbol": "UBND"},
        "doc": {
            "number": "",
            "place": "Cao Bằng",
            "day": "",
            "month": "",
            "year": 2026,
            "kind": "KẾ HOẠCH",
            "title": "Thử",
        },
        "province": "Cao Bằng",
    }
    blocks = render_blocks(
        ctx, template_source='{% include "kehoach/header.j2" %}\nTỉnh {{ province | upper }}\n'
    )
    assert [b.kind for b in blocks] == ["header", "title", "para"]
    assert blocks[-1].text == "Tỉnh CAO BẰNG"


def test_templates_cannot_mutate_the_context():
    with pytest.raises(TemplateSecurityError):
        sandbox.render_user("{{ items.append(1) }}", {"items": []})


def test_every_builtin_template_states_its_required_context():
    root = sandbox.templates_dir()
    for path in sorted(root.rglob("*.j2")):
        head = path.read_text(encoding="utf-8")[:1500]
        assert head.startswith("{#") and "Required context:" in head, path
