"""Realistic payloads for a member's rating result (Kết quả đánh giá, xếp loại chất lượng đảng viên), both regimes.

SAMPLES[kind code]() is a complete, valid submission (overrides as keyword arguments). Keep the names and shapes:
a generic test renders every kind from these.
"""
from __future__ import annotations

from typing import Any


def rating_result_366(**overrides: Any) -> dict[str, Any]:
    """2026 (QĐ 366): proposed Hoàn thành tốt by the chi bộ with the votes, decided so; a note, a named signer."""
    data = {"year": 2026, "superior_body": "ĐẢNG BỘ PHƯỜNG BA ĐÌNH",
            "issuing_body": "ĐẢNG ỦY TRƯỜNG THPT PHAN ĐÌNH PHÙNG", "place": "Hà Nội", "signed_on": "2026-12-22",
            "full_name": "Trần Thị Ánh Tuyết", "birth_date": "1985-09-02", "chi_bo": "Chi bộ Tổ Toán – Tin",
            "self_level": "xuat_sac", "proposal_level": "tot", "votes_xuat_sac": 1, "votes_tot": 6,
            "votes_hoan_thanh": 0, "votes_khong_hoan_thanh": 0,
            "decided_by": "Đảng ủy Trường THPT Phan Đình Phùng", "decision_level": "tot",
            "decided_on": "2026-12-20", "rerating_level": "", "rerating_basis": "",
            "note": "Đồng chí tự xếp loại **Hoàn thành xuất sắc nhiệm vụ**; chi bộ đề xuất và Đảng ủy quyết định "
                    "*Hoàn thành tốt nhiệm vụ* do chưa có sáng kiến được công nhận.",
            "signer_body": "ĐẢNG ỦY", "signer_title": "BÍ THƯ", "signer_name": "Phan Văn Thịnh"}
    data.update(overrides)
    return data


def rating_result_124(**overrides: Any) -> dict[str, Any]:
    """2024 (QĐ 124): decided Hoàn thành tốt, later re-rated Hoàn thành nhiệm vụ; votes not known, signed by hand."""
    data = {"year": 2024, "superior_body": "ĐẢNG BỘ HUYỆN TÂN HIỆP", "issuing_body": "ĐẢNG ỦY XÃ TÂN HIỆP",
            "place": "Tân Hiệp", "signed_on": "2025-02-10", "full_name": "Lê Minh Đức", "birth_date": "1998-11-20",
            "chi_bo": "Chi bộ ấp Một", "self_level": "tot", "proposal_level": "tot",
            "decided_by": "Đảng ủy xã Tân Hiệp", "decision_level": "tot", "decided_on": "2024-12-28",
            "rerating_level": "hoan_thanh", "rerating_basis": "Quyết định số 15-QĐ/ĐU ngày 05/02/2025", "note": "",
            "signer_body": "ĐẢNG ỦY", "signer_title": "PHÓ BÍ THƯ", "signer_name": ""}
    data.update(overrides)
    return data


SAMPLES = {"rating-result-366": rating_result_366, "rating-result-124": rating_result_124}
