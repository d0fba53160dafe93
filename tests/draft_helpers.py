"""Provincial records for the drafting tests, built in code so the tests need no shared/."""

from __future__ import annotations

from schemas.plan import Deadline, DocumentHeader, Plan, Reporting, Responsibility, Target, Task

VH = "Sở Văn hóa, Thể thao và Du lịch"
GD = "Sở Giáo dục và Đào tạo"
XA = "Ủy ban nhân dân các xã, phường"
LQ = "Các cơ quan, đơn vị liên quan"


def _task(
    number: str, title: str, lead: list[str], coord: list[str], deadline: str | None, group: str | None = None
) -> Task:
    dl = Deadline(text=deadline) if deadline else None
    return Task(number=number, title=title, group=group, lead=lead, coordinators=coord, deadline=dl)


def record(
    province: str,
    tasks: list[Task],
    responsibilities: list[Responsibility] | None = None,
    reporting: list[Reporting] | None = None,
    targets: list[Target] | None = None,
) -> Plan:
    return Plan(
        source=f"{province}.pdf",
        document=DocumentHeader(
            doc_type="Kế hoạch",
            province=province,
            issuer=f"Ủy ban nhân dân tỉnh {province}",
            legal_basis=["1687/QĐ-TTg"],
        ),
        tasks=tasks,
        responsibilities=responsibilities or [],
        reporting=reporting or [],
        targets=targets or [],
    )


def three_provinces() -> list[Plan]:
    """Lạng Sơn and Hà Giang choose Sở VHTTDL + UBND xã for task 2; Sơn La chooses Sở GDĐT."""
    t2 = "Đẩy mạnh công tác truyền thông về hoạt động của “mô hình thư viện cơ sở”"
    t5 = "Tổ chức tập huấn, bồi dưỡng kiến thức cho người làm công tác thư viện cơ sở"
    lang_son = record(
        "Lạng Sơn",
        [
            _task(
                "1",
                "Tăng cường công tác thông tin, tuyên truyền về mô hình thư viện",
                [VH, XA],
                ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lạng Sơn"],
                "Từ năm 2026-2030",
                group=t2,
            ),
            _task(
                "2",
                "Đa dạng hóa hình thức truyền thông trên nền tảng công nghệ số",
                [VH, XA],
                [LQ],
                "Từ năm 2026-2030",
                group=t2,
            ),
            _task("3", t5, [VH], [LQ, XA], "Năm 2026"),
        ],
        responsibilities=[
            Responsibility(agency="Công an tỉnh Lạng Sơn", duties=["Phối hợp bảo đảm an ninh"])
        ],
        reporting=[Reporting(who="Các cơ quan, đơn vị", to=VH, when="trước ngày 10/12 hằng năm")],
        targets=[
            Target(indicator="Tỷ lệ xã xây dựng mô hình thư viện cơ sở", year=2026, value=20.0, unit="%")
        ],
    )
    ha_giang = record(
        "Hà Giang",
        [
            _task("1", t2, [VH, XA], [LQ], "Giai đoạn 2026-2030"),
            _task("2", t5, [VH], [LQ], "Năm 2026"),
        ],
        targets=[
            Target(indicator="Tỷ lệ xã xây dựng mô hình thư viện cơ sở", year=2026, value=20.0, unit="%")
        ],
    )
    son_la = record(
        "Sơn La",
        [
            _task("1", t2, [GD], [LQ], "Giai đoạn 2026-2030"),
        ],
        responsibilities=[
            Responsibility(
                agency="Báo và Phát thanh, Truyền hình Sơn La", duties=["Tuyên truyền trên sóng Sơn La"]
            )
        ],
    )
    return [lang_son, ha_giang, son_la]
