"""The Insights section (issue 6): what the registry shows that no single council can see.

insights/index.md introduces the figures; insights/reuse.md, hotspots.md, suppliers.md, ranking.md,
windows.md, interop.md and trend.md each show one, as static SVG charts beside tables of the
same numbers (trend-councils/<council>.md: each council's trend);
insights/service-types/<lgsl>.md gathers every figure for one service type and is what council
and pattern pages link to for a service's LGSL code. One module per page:

    data.py          the figures over the whole index, loaded once (`Insights`), and the
                     cells, formats and page frame every page shares
    home.py          insights/index.md
    reuse.py, hotspots.py, suppliers.py (with lock-in), ranking.py, windows.py, interop.py, trend.py,
    pattern_reuse.py (with a page per pattern)
                     one figure's page each
    service_type.py  insights/service-types/<lgsl>.md, and service-types/index.md linking every one

The numbers are registry.insights.figures' own (and registry.insights.trend's), so the site, the
`standards insights` command and /api/v1/insights/... cannot disagree; each page quotes the
docstring of the function it renders, so "how it is computed" is the code's own account, and
heads its tables with the headings its figure declares (registry/insights/<figure>.py).

Speed: the benchmark index has 100,000 services in about 1,900 service types, so every
figure is one call over the whole index (never one per service type), the per-type pages are
assembled from those results in Python, and every bulky table is an html_block, which neither
Markdown nor the search index sees.

Escaping: supplier, product, service and council names come from manifests: they go through
`esc` (or data_table, which escapes every cell that is not `Html`), and `md_cell` in Markdown.
"""

from __future__ import annotations

from registry.insights.headlines import headlines_of
from registry.playbook.common import Asset, Page, SiteContext
from registry.playbook.insights.data import load, type_path
from registry.playbook.insights.home import index_page
from registry.playbook.insights.hotspots import hotspots_page
from registry.playbook.insights.interop import interop_page
from registry.playbook.insights.pattern_reuse import load_patterns, pattern_adoption_pages, pattern_reuse_page
from registry.playbook.insights.ranking import ranking_page
from registry.playbook.insights.reuse import reuse_page
from registry.playbook.insights.service_type import by_type, service_type_page
from registry.playbook.insights.service_type import index_page as service_types_index
from registry.playbook.insights.suppliers import suppliers_page
from registry.playbook.insights.trend import council_trend_pages, read_trend, trend_page, trend_period
from registry.playbook.insights.windows import windows_page

__all__ = ["pages", "trend_period", "type_path"]


def pages(ctx: SiteContext) -> list[Page | Asset]:
    # The stylesheet these pages link is an asset of registry.playbook.councils.pages.
    data = load(ctx)
    by = by_type(data)
    trend = read_trend(ctx)
    patterns = load_patterns(ctx, *trend_period(ctx.as_of))
    out: list[Page | Asset] = [
        index_page(data, headlines_of(data.reuse, data.hotspot_list, data.markets, data.windows_product)),
        reuse_page(data),
        hotspots_page(data),
        suppliers_page(data),
        ranking_page(data),
        windows_page(data),
        interop_page(data),
        trend_page(ctx, data, trend),
    ]
    out += council_trend_pages(data, trend)
    out.append(pattern_reuse_page(data, patterns))
    out += pattern_adoption_pages(data, patterns)
    out.append(service_types_index(data))
    out += [service_type_page(data, by, r) for r in data.reuse]
    return out
