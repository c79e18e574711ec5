"""The scope matrix of 直联共建: how each page route answers each person of the cast
(see gongjian/testing/matrix.py), and every API operation."""

from __future__ import annotations

from gongjian.testing.matrix import Entry

PAGE_MATRIX: dict[str, Entry] = {}

API_MATRIX: set[tuple[str, str]] = {
    ("get", "/api/v1/cobuild/campaigns"),
    ("post", "/api/v1/cobuild/campaigns"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}"),
    ("put", "/api/v1/cobuild/campaigns/{campaign_id}"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/advance"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/figures"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/resources"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/resources"),
    ("get", "/api/v1/cobuild/resources/{resource_id}"),
    ("put", "/api/v1/cobuild/resources/{resource_id}"),
    ("delete", "/api/v1/cobuild/resources/{resource_id}"),
    ("get", "/api/v1/cobuild/resources/{resource_id}/preferences"),
    ("put", "/api/v1/cobuild/resources/{resource_id}/preferences"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/demands"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/demands"),
    ("get", "/api/v1/cobuild/demands/{demand_id}"),
    ("put", "/api/v1/cobuild/demands/{demand_id}"),
    ("delete", "/api/v1/cobuild/demands/{demand_id}"),
    ("get", "/api/v1/cobuild/demands/{demand_id}/preferences"),
    ("put", "/api/v1/cobuild/demands/{demand_id}/preferences"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/runs"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/runs/latest"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/confirm"),
    ("post", "/api/v1/cobuild/matches/{match_id}/decide"),
    ("get", "/api/v1/cobuild/campaigns/{campaign_id}/pair-rules"),
    ("post", "/api/v1/cobuild/campaigns/{campaign_id}/pair-rules"),
    ("delete", "/api/v1/cobuild/pair-rules/{rule_id}"),
    ("get", "/api/v1/cobuild/matches"),
    ("post", "/api/v1/cobuild/matches/{match_id}/sign"),
    ("get", "/api/v1/cobuild/projects"),
    ("get", "/api/v1/cobuild/projects/{project_id}"),
    ("patch", "/api/v1/cobuild/projects/{project_id}"),
    ("post", "/api/v1/cobuild/projects/{project_id}/milestones"),
    ("post", "/api/v1/cobuild/milestones/{milestone_id}/done"),
    ("post", "/api/v1/cobuild/projects/{project_id}/progress"),
    ("post", "/api/v1/cobuild/projects/{project_id}/rating"),
}
