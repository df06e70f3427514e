"""The OpenAPI 3.1 description of /api/v1, served at GET /api/v1/openapi.json.

One declaration per operation (OPERATIONS, keyed by method and Flask rule); the paths, their path parameters
(ids bounded like the URL converters) and the shared error answers are built from the app's own URL map, so a
route and its description cannot drift apart silently: tests/test_no_5xx.py names every /api/v1 rule that has
no declaration here. Adding a route: add its entry to OPERATIONS (summary, body, query, responses)."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, jsonify

from service.bounds import INT4_MAX, JSON_MAX_DEPTH
from service.kinds.fields import API_TYPES, TYPES
from service.models import MEMBER_STATUSES, UNIT_KINDS
from service.review.meeting import MAX_VOTES
from service.review.meeting_json import ATTENDANCE_CODES
from service.review.models import STEPS
from service.rules import LEVEL_LABELS

from .api import bp

PREFIX = "/api/v1"
LEVELS = list(LEVEL_LABELS)

# ---- schemas -------------------------------------------------------------------------------------------------
ID = {"type": "integer", "minimum": 1, "maximum": INT4_MAX}
YEAR = {"type": "integer", "minimum": 2023, "maximum": 2100, "description": "Năm kiểm điểm"}
TEXT = {"type": "string"}
ANY_OBJECT = {"type": "object", "additionalProperties": True}

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string", "description": "Thông báo bằng tiếng Việt"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": TEXT},
                   "description": "Thông báo theo từng trường, ví dụ \"votes[3].tot\""},
        "current_revision": {"type": "integer", "description": "409: lần lưu mới nhất"},
        "reasons": {"type": "array", "items": ANY_OBJECT, "description": "Bước bị từ chối: lý do và căn cứ"},
    }},
    "Kind": {"type": "object", "properties": {
        "code": TEXT, "title": TEXT, "form_code": TEXT, "regime": TEXT, "regulation": TEXT, "guide": TEXT,
        "subject": TEXT, "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}}}},
    # A kind's field as its declaration describes it (service/kinds/fields.py `describe`): the same description the
    # pages' forms are generated from.
    "Field": {"type": "object", "required": ["name", "label", "type", "required", "help"], "properties": {
        "name": {"type": "string", "description": "Tên trường trong `data`"}, "label": TEXT, "help": TEXT,
        "type": {"enum": sorted({API_TYPES.get(t, t) for t in TYPES})}, "required": {"type": "boolean"},
        "choices": {"type": "array", "items": {"type": "object", "properties": {"value": TEXT, "label": TEXT}}},
        "min": {"type": "number"}, "max": {"type": "number"},
        "section": {"type": "string", "description": "Số mục in trên mẫu, ví dụ “A.II.1.”"},
        "columns": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}, "description": "Cột của bảng"},
        "max_rows": {"type": "integer"}}},
    "RuleSettings": {"type": "object", "required": ["unit_id", "settings"], "properties": {
        "unit_id": {"type": ["integer", "null"]}, "changed": {"type": "boolean", "description": "PUT: có thay đổi"},
        "settings": {"type": "object", "description": "Theo tên cách hiểu (gap_reading, quota_base, "
                     "vote_support_required)", "additionalProperties": {"type": "object", "properties": {
                         "value": {}, "label": TEXT, "value_label": TEXT, "meaning": TEXT, "clause": TEXT,
                         "own": {"type": "boolean", "description": "Tổ chức tự đặt (không kế thừa)"},
                         "source": {"type": "string", "description": "“mặc định của hệ thống” hoặc tên tổ chức"},
                         "source_unit_id": {"type": ["integer", "null"]},
                         "choices": {"type": "array", "items": ANY_OBJECT}}}}}},
    "Unit": {"type": "object", "properties": {"id": ID, "name": TEXT, "kind": TEXT, "parent_id": {
        "type": ["integer", "null"]}}, "additionalProperties": True},
    "Document": {"type": "object", "required": ["id", "kind", "year", "status", "revision", "data"], "properties": {
        "id": ID, "kind": TEXT, "year": {"type": "integer"}, "quarter": {"type": "integer"},
        "member_id": {"type": ["integer", "null"]}, "status": {"enum": ["draft", "submitted"]},
        "revision": {"type": "integer", "minimum": 0}, "data": ANY_OBJECT}},
    "Saved": {"type": "object", "required": ["id", "status", "revision"], "properties": {
        "id": ID, "status": {"enum": ["draft", "submitted"]}, "revision": {"type": "integer"}}},
    "Meeting": {"type": "object", "additionalProperties": False, "properties": {
        "held_on": {"type": ["string", "null"], "format": "date", "description": "YYYY-MM-DD"},
        "opened_at": {"type": "string", "maxLength": 40, "description": "HH:MM (nhận cả “14h30”, “2 giờ chiều”)"},
        "closed_at": {"type": "string", "maxLength": 40},
        "venue": {"type": "string", "maxLength": 200}, "chair": {"type": "string", "maxLength": 120},
        "secretary": {"type": "string", "maxLength": 120},
        "attendance": {"type": "array", "maxItems": 1000, "items": {
            "type": "object", "required": ["member_id", "attendance"], "additionalProperties": False, "properties": {
                "member_id": ID, "attendance": {"enum": list(ATTENDANCE_CODES)},
                "reason": {"type": "string", "maxLength": 300}}}},
        "votes": {"type": "array", "maxItems": 1000, "items": {
            "type": "object", "required": ["member_id"], "additionalProperties": False, "properties": {
                "member_id": ID, **{code: {"type": "integer", "minimum": 0, "maximum": MAX_VOTES}
                                    for code in LEVELS}}}},
    }},
    "BoardUnit": {"type": "object", "properties": {
        "unit_id": ID, "name": TEXT, "missing": {"type": "array", "items": TEXT}, "levels": ANY_OBJECT,
        "members": {"type": "array", "items": {"type": "object", "required": [
            "member_id", "full_name", "status", "missing", "next_step", "levels"], "properties": {
            "member_id": ID, "full_name": TEXT, "status": {"enum": [
                "excluded", "not_started", "draft", "submitted", "reviewed", "rated"]}, "status_label": TEXT,
            "excluded": {"type": ["string", "null"]}, "missing": {"type": "array", "items": TEXT},
            "next_step": TEXT, "levels": {"type": "object", "additionalProperties": {"enum": LEVELS}}}}}}},
    "Member": {"type": "object", "required": ["id", "full_name", "status", "chi_bo_id"], "properties": {
        "id": ID, "full_name": TEXT, "birth_date": {"type": ["string", "null"], "format": "date"},
        "sex": {"enum": ["male", "female", None]}, "admitted_on": {"type": ["string", "null"], "format": "date"},
        "official_on": {"type": ["string", "null"], "format": "date"}, "party_card": {"type": ["string", "null"]},
        "status": {"enum": list(MEMBER_STATUSES)}, "chi_bo_id": ID}},
    "ImportResult": {"type": "object", "required": ["created", "updated", "unchanged", "errors"], "properties": {
        "created": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["row", "column", "message"],
                                              "properties": {"row": {"type": "integer", "description":
                                                                     "Dòng trong Excel (0: cả tệp)"},
                                                             "column": TEXT, "message": TEXT}}},
        "error": {"type": "string", "description": "Khi cả tệp không đọc được"}}},
    "UnitFields": {"type": "object", "additionalProperties": False, "properties": {
        "name": {"type": "string", "maxLength": 200}, "kind": {"enum": list(UNIT_KINDS)}, "parent_id": ID,
        "place": {"type": "string", "maxLength": 100},
        "superior_line": {"type": "string", "maxLength": 200, "description": "Dòng cấp trên, in hoa; rỗng: lấy từ "
                                                                              "tên cấp trên"},
        "header_line": {"type": "string", "maxLength": 200, "description": "Dòng tên tổ chức, in hoa; rỗng: tên"},
        "has_seal": {"type": "boolean", "description": "Có con dấu: chữ ký ghi “và đóng dấu”"},
        "signer_body": {"type": "string", "maxLength": 150, "description": "Sau “T/M”"},
        "signer_title": {"type": "string", "maxLength": 100}}},
    "Job": {"type": "object", "properties": {"id": TEXT, "state": TEXT, "state_label": TEXT, "done": {
        "type": "integer"}, "total": {"type": "integer"}, "step": TEXT, "error": {"type": ["string", "null"]},
        "formats": {"type": "array", "items": TEXT}}, "additionalProperties": True},
    "UploadAccepted": {"type": "object", "required": ["upload_id", "status", "status_url"], "properties": {
        "upload_id": {"type": "integer"}, "status": {"enum": ["processing"]}, "status_url": TEXT}},
    "UploadStatus": {"type": "object", "required": ["upload_id", "status", "progress"], "properties": {
        "upload_id": {"type": "integer"}, "status": {"enum": ["processing", "done", "refused"]},
        "state_label": TEXT, "progress": {"type": "object", "properties": {
            "done": {"type": "integer"}, "total": {"type": "integer"}}},
        "error": {"type": ["string", "null"]}, "fields": {"type": "object"},
        "report": {"type": ["object", "null"]}}, "additionalProperties": True},
}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def multipart(properties: dict, required: list[str] | None = None) -> dict:
    return {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": properties, "required": required or []}}}}


def ok(schema: dict | None = None, description: str = "Thành công", media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema or ANY_OBJECT}}}


def file(*media: str) -> dict:
    return {"description": "Tệp", "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in media}}


def query(name: str, schema: dict, required: bool = False, description: str = "") -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


FORMAT = {"type": "string", "enum": ["pdf", "docx"]}
DOC_FILES = ("application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ---- operations: (method, Flask rule) → OpenAPI operation (without path parameters and common answers) -------
OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/v1/openapi.json"): {"summary": "Mô tả OpenAPI 3.1 của API này", "security": [],
                                      "responses": {"200": ok()}},
    ("GET", "/api/v1/kinds"): {"summary": "Các loại văn bản và trường của từng mẫu",
                               "responses": {"200": ok({"type": "array", "items": ref("Kind")})}},
    ("GET", "/api/v1/units"): {"summary": "Các tổ chức đảng người dùng được xem",
                               "responses": {"200": ok({"type": "array", "items": ref("Unit")})}},
    ("POST", "/api/v1/kinds/<code>/render"): {
        "summary": "Tạo văn bản DOCX/PDF từ dữ liệu các trường (không lưu)",
        "parameters": [query("format", FORMAT)], "requestBody": json_body(ANY_OBJECT),
        "responses": {"200": file(*DOC_FILES[:2])}},
    ("GET", "/api/v1/documents/<int:doc_id>"): {"summary": "Một văn bản đã lưu", "responses": {
        "200": ok(ref("Document"))}},
    ("PUT", "/api/v1/documents/<int:doc_id>"): {
        "summary": "Lưu một lần mới của văn bản (nháp hoặc nộp)",
        "description": "`data`: các trường cần đổi (tên như /api/v1/kinds; trường không gửi giữ giá trị đã lưu). "
                       "`base_revision`: lần lưu mà người gửi bắt đầu sửa; nếu đã có người lưu sau đó → 409, "
                       "không ghi đè gì.",
        "requestBody": json_body({"type": "object", "required": ["data", "base_revision"], "properties": {
            "data": ANY_OBJECT, "submit": {"type": "boolean", "default": False},
            "base_revision": {"type": "integer", "minimum": 0, "maximum": INT4_MAX}}}),
        "responses": {"200": ok(ref("Saved")), "409": ok(ref("Error"), "Có người đã lưu sau lần lưu base_revision"),
                      "422": ok(ref("Error"), "Dữ liệu chưa hợp lệ, thông báo theo từng trường")}},
    ("GET", "/api/v1/documents/<int:doc_id>/file"): {
        "summary": "Văn bản đã lưu dưới dạng DOCX, PDF (hoặc XLSX với biểu tổng hợp)",
        "parameters": [query("format", {"type": "string", "enum": ["pdf", "docx", "xlsx"]})],
        "responses": {"200": file(*DOC_FILES)}},
    ("POST", "/api/v1/members/<int:member_id>/documents"): {
        "summary": "Mở (tạo lần đầu, điền sẵn) văn bản của đảng viên theo loại và năm",
        "requestBody": json_body({"type": "object", "required": ["kind", "year"], "properties": {
            "kind": {"type": "string", "maxLength": 60, "description": "Mã loại văn bản (/api/v1/kinds)"},
            "year": YEAR, "quarter": {"type": "integer", "minimum": 1, "maximum": 4,
                                      "description": "Chỉ với Mẫu 05 theo quý"}}}),
        "responses": {"200": ok(ref("Document"), "Văn bản đã có"), "201": ok(ref("Document"), "Vừa tạo")}},
    ("POST", "/api/v1/rating/check"): {
        "summary": "Hỏi quy tắc xếp loại trước khi in: điều kiện, mức cao nhất, vi phạm, tỷ lệ",
        "requestBody": json_body({"type": "object", "required": ["year", "group"], "properties": {
            "year": YEAR, "group": {"type": "array", "items": ANY_OBJECT, "maxItems": 2000},
            "quota_pct": {"type": "number"}, "settings": ANY_OBJECT,
            "unit_id": {**ID, "description": "Dùng cách hiểu quy định đang áp dụng ở tổ chức này (GET "
                                             "/api/v1/units/{unit_id}/rule-settings); settings vẫn đè lên"}}}),
        "responses": {"200": ok()}},
    ("GET", "/api/v1/units/<int:unit_id>/review/<int:year>"): {
        "summary": "Bảng theo dõi kiểm điểm của tổ chức trong năm",
        "responses": {"200": ok({"allOf": [ref("BoardUnit"), {"type": "object", "properties": {
            "year": {"type": "integer"}, "units": {"type": "array", "items": ref("BoardUnit")}}}]})}},
    ("GET", "/api/v1/units/<int:unit_id>/meetings/<int:year>"): {
        "summary": "Hội nghị kiểm điểm đã ghi (rỗng khi chưa ghi)", "responses": {"200": ok(ref("Meeting"))}},
    ("PUT", "/api/v1/units/<int:unit_id>/meetings/<int:year>"): {
        "summary": "Ghi hội nghị: thông tin, điểm danh, số phiếu; ghi lại thì thay toàn bộ",
        "requestBody": json_body(ref("Meeting")),
        "responses": {"200": ok(ref("Meeting")), "422": ok(ref("Error"), "Thông báo theo từng dòng")}},
    ("POST", "/api/v1/units/<int:unit_id>/review/<int:year>/steps"): {
        "summary": "Ghi một bước xếp loại (không có member_id: của chính tổ chức)",
        "requestBody": json_body({"type": "object", "required": ["step", "level"], "properties": {
            "member_id": ID, "step": {"enum": list(STEPS)}, "level": {"enum": LEVELS},
            "reason": {"type": "string", "maxLength": 2000,
                       "description": "Lý do cho phép làm khác trình tự (văn phòng cấp ủy)"},
            "note": {"type": "string", "maxLength": 2000}}}),
        "responses": {"201": ok(description="Đã ghi"),
                      "422": ok(ref("Error"), "Từ chối theo trình tự hoặc quy tắc xếp loại, kèm căn cứ")}},
    ("POST", "/api/v1/units/<int:unit_id>/packets"): {
        "summary": "Yêu cầu tạo hồ sơ (chạy nền)",
        "requestBody": json_body({"type": "object", "required": ["year", "kind"], "properties": {
            "year": YEAR, "kind": {"enum": ["member", "chi_bo", "dang_bo"]}, "member_id": ID,
            "pdfa": {"type": "boolean"}}}),
        "responses": {"202": ok(ref("Job"))}},
    ("GET", "/api/v1/jobs/<job_id>"): {"summary": "Tiến độ công việc", "responses": {"200": ok(ref("Job"))}},
    ("DELETE", "/api/v1/jobs/<job_id>"): {"summary": "Dừng công việc", "responses": {"200": ok(ref("Job"))}},
    ("GET", "/api/v1/jobs/<job_id>/result"): {
        "summary": "Hồ sơ đã tạo: PDF hoặc ZIP",
        "parameters": [query("format", {"type": "string", "enum": ["pdf", "zip"]})],
        "responses": {"200": file("application/pdf", "application/zip")}},
    ("POST", "/api/v1/archive/uploads"): {
        "summary": "Tải lên bản có chữ ký (PDF, ảnh quét)",
        "requestBody": multipart({"files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                                  "packet_id": TEXT, "unit_id": ID}, ["files"]),
        "responses": {"202": ok(ref("UploadAccepted")),
                      "422": ok(ref("Error"), "Không nhận: tệp không hợp lệ (từng tệp một lý do), chưa lưu gì")}},
    ("GET", "/api/v1/archive/uploads/<int:upload_id>/status"): {
        "summary": "Tiến độ đọc các trang của một lần tải lên; báo cáo khi xong, lý do khi không nhận",
        "responses": {"200": ok(ref("UploadStatus"))}},
    ("POST", "/api/v1/archive/uploads/<int:upload_id>/cancel"): {
        "summary": "Dừng đọc các trang (lần tải lên thành không nhận)",
        "responses": {"200": ok(ref("UploadStatus"))}},
    ("GET", "/api/v1/archive/uploads/<int:upload_id>"): {"summary": "Báo cáo đối chiếu của một lần tải lên",
                                                         "responses": {"200": ok()}},
    ("GET", "/api/v1/archive/uploads/<int:upload_id>/file/<int:n>"): {
        "summary": "Tệp thứ n đúng như đã tải lên", "responses": {"200": file("application/octet-stream")}},
    ("POST", "/api/v1/archive/uploads/<int:upload_id>/pages"): {
        "summary": "Gán tay một trang cho văn bản",
        "requestBody": json_body({"type": "object", "required": ["file", "page"], "properties": {
            "file": {"type": "integer", "minimum": 0}, "page": {"type": "integer", "minimum": 0},
            "document_id": {"type": ["integer", "null"]}, "doc_page": {"type": ["integer", "null"]}}}),
        "responses": {"200": ok()}},
    ("POST", "/api/v1/archive/uploads/<int:upload_id>/accept"): {"summary": "Nhận bản ký (không hoàn tác được)",
                                                                 "responses": {"200": ok()}},
    ("GET", "/api/v1/archive/documents"): {
        "summary": "Văn bản và trạng thái bản ký",
        "parameters": [query("unit_id", ID, True), query("year", YEAR, True), query("member_id", ID),
                       query("kind", {"type": "string", "maxLength": 60}),
                       query("state", {"type": "string", "maxLength": 30}), query("below", {"enum": ["0", "1"]})],
        "responses": {"200": ok({"type": "array", "items": ANY_OBJECT})}},
    ("GET", "/api/v1/units/<int:unit_id>/members"): {
        "summary": "Đảng viên hiện tại của tổ chức (chi bộ, hoặc mọi chi bộ trực thuộc), theo thứ tự tên tiếng Việt",
        "responses": {"200": ok({"type": "array", "items": ref("Member")})}},
    ("POST", "/api/v1/units/<int:unit_id>/members/import"): {
        "summary": "Nhập danh sách đảng viên (XLSX/CSV như văn phòng vẫn lưu); dry_run=1 chỉ xem trước",
        "description": "Khớp theo số thẻ đảng viên, không có thì theo họ tên + ngày sinh; nhập lại cùng tệp không đổi "
                       "gì. Có lỗi và không dry_run → 422 cùng nội dung, không ghi gì (docs/ORGANISATION.md).",
        "requestBody": multipart({"file": {"type": "string", "format": "binary"},
                                  "dry_run": {"enum": ["0", "1"]}}, ["file"]),
        "responses": {"200": ok(ref("ImportResult")), "422": ok(ref("ImportResult"), "Có lỗi, không ghi gì")}},
    ("GET", "/api/v1/units/<int:unit_id>/members/export"): {
        "summary": "Danh sách đảng viên (XLSX, cùng bố cục khi nhập)", "responses": {"200": file(XLSX)}},
    ("POST", "/api/v1/units"): {
        "summary": "Tạo tổ chức đảng (văn phòng: dưới tổ chức mình quản lý)",
        "requestBody": json_body({"allOf": [ref("UnitFields"), {"required": ["name", "kind"]}]}),
        "responses": {"201": ok(ref("Unit"))}},
    ("PATCH", "/api/v1/units/<int:unit_id>"): {
        "summary": "Đổi tên, chuyển (parent_id), sửa dòng in đầu văn bản, con dấu, người ký",
        "requestBody": json_body(ref("UnitFields")), "responses": {"200": ok(ref("Unit"))}},
    ("GET", "/api/v1/kinds/<code>/template"): {
        "summary": "Mẫu DOCX đang dùng của tổ chức (?unit_id) hoặc mẫu có sẵn",
        "parameters": [query("unit_id", ID)], "responses": {"200": file(DOC_FILES[1])}},
    ("GET", "/api/v1/units/<int:unit_id>/templates"): {
        "summary": "Từng loại văn bản với phiên bản mẫu đang dùng và nguồn của nó",
        "responses": {"200": ok({"type": "array", "items": ANY_OBJECT})}},
    ("PUT", "/api/v1/units/<int:unit_id>/templates/<code>"): {
        "summary": "Tải lên mẫu DOCX riêng của tổ chức (dùng ngay)",
        "requestBody": multipart({"file": {"type": "string", "format": "binary"}}, ["file"]),
        "responses": {"201": ok(description="Đã dùng, kèm cảnh báo"), "422": ok(ref("Error"), "Mẫu bị từ chối")}},
    ("GET", "/api/v1/units/<int:unit_id>/rule-settings"): {
        "summary": "Cách hiểu quy định xếp loại đang áp dụng ở tổ chức: giá trị, ý nghĩa, căn cứ, nguồn (tổ chức "
                   "nào đặt, hay mặc định của hệ thống)",
        "responses": {"200": ok(ref("RuleSettings"))}},
    ("PUT", "/api/v1/units/<int:unit_id>/rule-settings"): {
        "summary": "Đặt hoặc bỏ (null: theo cấp trên / mặc định) cách hiểu quy định của tổ chức, kèm lý do; chỉ văn "
                   "phòng cấp ủy của tổ chức hoặc cấp trên, hoặc quản trị viên. Trường không gửi thì giữ nguyên",
        "requestBody": json_body({"type": "object", "required": ["reason"], "properties": {
            "gap_reading": {"enum": ["letter", "strict", None],
                            "description": "Trường hợp Quy định không xác định được mức: letter (cấp có thẩm quyền "
                                           "quyết định) hoặc strict (Không hoàn thành, cách hiểu của địa phương)"},
            "quota_base": {"enum": ["tot_only", "tot_and_above", None],
                           "description": "Căn cứ tính tỷ lệ Hoàn thành xuất sắc: số Hoàn thành tốt (câu chữ) hoặc "
                                          "số từ Hoàn thành tốt trở lên"},
            "vote_support_required": {"type": ["boolean", "null"],
                                      "description": "Mức chi bộ đề xuất phải được quá nửa đảng viên chính thức có "
                                                     "mặt biểu quyết: true từ chối, false chỉ cảnh báo"},
            "reason": {"type": "string", "maxLength": 1000, "description": "Lý do (số nghị quyết, thông báo …)"}},
            "additionalProperties": False}),
        "responses": {"200": ok(ref("RuleSettings")),
                      "403": ok(ref("Error"), "Xem được nhưng không được đổi (bí thư chi bộ)"),
                      "422": ok(ref("Error"), "Thông báo theo từng trường")}},
    ("DELETE", "/api/v1/units/<int:unit_id>/templates/<code>"): {
        "summary": "Trở lại mẫu kế thừa (của cấp trên hoặc mẫu có sẵn)",
        "responses": {"204": {"description": "Đã trở lại mẫu kế thừa"}}},
}

COMMON_ERRORS = {"401": "Thiếu hoặc sai mã truy cập", "404": "Không có hoặc không được xem",
                 "422": "Dữ liệu chưa hợp lệ"}


def _path_and_parameters(rule: str, converters: dict[str, Any]) -> tuple[str, list[dict]]:
    params = []
    for name in re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule):
        kind = type(converters.get(name)).__name__
        schema = {"type": "integer", "minimum": 0, "maximum": INT4_MAX} if "Int" in kind else {
            "type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^/\\x00-\\x1f\\x7f]+$"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule), params


def api_rules(app: Flask) -> list[tuple[str, str, Any]]:
    """(method, rule, converters) of every /api/v1 route the app serves."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                out.append((method, rule.rule, rule._converters))
    return out


def build(app: Flask) -> dict[str, Any]:
    """The description of every declared /api/v1 route of `app`."""
    paths: dict[str, dict] = {}
    for method, rule, converters in api_rules(app):
        declared = OPERATIONS.get((method, rule))
        if declared is None:
            continue
        path, params = _path_and_parameters(rule, converters)
        operation = {**declared, "parameters": params + list(declared.get("parameters", []))}
        responses = dict(declared.get("responses", {}))
        for status, description in COMMON_ERRORS.items():
            responses.setdefault(status, ok(ref("Error"), description))
        operation["responses"] = responses
        operation["operationId"] = f"{method.lower()}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}"
        paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kiểm điểm, đánh giá, xếp loại chất lượng — API", "version": "1",
                 "description": "Mọi thông báo lỗi bằng tiếng Việt: {\"error\", \"fields\"}. Số id trong khoảng "
                                f"1…{INT4_MAX}; JSON lồng tối đa {JSON_MAX_DEPTH} cấp."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer", "description": "Mã tạo bằng `flask --app app tokens create <user>`"}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    """This description (no token needed: it holds no data)."""
    return jsonify(build(current_app))
