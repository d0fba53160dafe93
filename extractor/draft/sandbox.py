"""Every draft template, built-in or drafter-authored, renders here (issue 7).

Templates run in jinja2's ``ImmutableSandboxedEnvironment`` with ``StrictUndefined``:

* reaching Python internals (``''.__class__``, ``cycler.__init__.__globals__``) raises
  :class:`TemplateSecurityError` instead of rendering an empty string;
* ``{% include %}`` / ``{% import %}`` may name only the built-in templates: absolute
  paths and ``..`` are refused before any loader looks at the disk;
* a variable the context lacks raises :class:`TemplateVariableError` naming the variable,
  the template and the line, so a drafter is never handed a plan with silent gaps.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from extractor.errors import TemplateSecurityError, TemplateSyntaxProblem, TemplateVariableError

USER_PREFIX = "user/"


def templates_dir() -> Path:
    """Folder of the built-in templates.

    An installed wheel carries them as ``extractor/data/templates``; a source checkout reads
    the repository's top-level ``templates/`` folder.
    """
    packaged = resources.files("extractor").joinpath("data", "templates")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "templates"


class _GuardedLoader(jinja2.BaseLoader):
    """Built-in templates from disk, drafter templates from memory; no path escapes."""

    def __init__(self, root: Path, user: Mapping[str, str] | None = None):
        self._files = jinja2.FileSystemLoader(str(root))
        self._user = dict(user or {})

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if (
            template.startswith(("/", "\\"))
            or ":" in template
            or ".." in template.replace("\\", "/").split("/")
        ):
            raise TemplateSecurityError(
                f"Mẫu văn bản không được đọc tệp ngoài thư mục mẫu: {template!r}. "
                "Chỉ được include/import các mẫu có sẵn (templates/)."
            )
        if template in self._user:
            return self._user[template], template, lambda: True
        return self._files.get_source(environment, posixpath.normpath(template))

    def list_templates(self) -> list[str]:
        return sorted(set(self._files.list_templates()) | set(self._user))


def make_environment(
    user_templates: Mapping[str, str] | None = None, root: Path | None = None
) -> ImmutableSandboxedEnvironment:
    """The one environment every template renders in."""
    env = ImmutableSandboxedEnvironment(
        loader=_GuardedLoader(root or templates_dir(), user_templates),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is draft markup, escaped per format by render.py
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = format_number
    env.filters["join_agencies"] = lambda names, sep="; ": sep.join(names or [])
    return env


def format_number(value: Any) -> str:
    """Vietnamese number format: 10.580 and 2,5 (dot thousands, comma decimals)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, frac = f"{value:,.2f}".rstrip("0").split(".")
    return whole.replace(",", ".") + "," + frac


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost traceback frame that belongs to a template: (name, line)."""
    found = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if "__jinja_exception__" in tb.tb_frame.f_globals:  # jinja2.debug.fake_traceback
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _where(exc: BaseException, fallback: str) -> str:
    frame = _template_frame(exc.__traceback__)
    if frame is None:
        return f"mẫu {fallback}"
    name, line = frame
    root = str(templates_dir())
    if name.startswith(root):
        name = name[len(root) :].lstrip("/\\")
    return f"mẫu {name}, dòng {line}"


def render(
    name: str,
    context: Mapping[str, Any],
    *,
    user_templates: Mapping[str, str] | None = None,
    root: Path | None = None,
) -> str:
    """Render template ``name`` (built-in, or a key of ``user_templates``) with ``context``."""
    env = make_environment(user_templates, root)
    try:
        return env.get_template(name).render(**context)
    except SecurityError as exc:
        raise TemplateSecurityError(
            f"Mẫu văn bản bị từ chối ({_where(exc, name)}): {exc}. Mẫu chỉ được dùng dữ liệu của "
            "kế hoạch, không được truy cập thuộc tính nội bộ của Python."
        ) from exc
    except jinja2.UndefinedError as exc:
        raise TemplateVariableError(
            f"Thiếu biến trong {_where(exc, name)}: {exc}. Bổ sung giá trị vào tệp ngữ cảnh "
            "(--context) hoặc sửa mẫu."
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateSyntaxProblem(
            f"Mẫu {exc.name or name}, dòng {exc.lineno}: lỗi cú pháp: {exc.message}"
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateSyntaxProblem(f"Không tìm thấy mẫu {exc.name!r} (templates/).") from exc


def render_user(source: str, context: Mapping[str, Any], *, name: str = "drafter.j2") -> str:
    """Render a drafter-authored template given as text; it may include the built-in partials."""
    key = USER_PREFIX + name
    return render(key, context, user_templates={key: source})
