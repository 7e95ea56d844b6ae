"""MkDocs hook: the site's generated pages come from the registry's own package, registry/playbook."""

from registry.playbook.hooks import (
    on_build_error,
    on_config,
    on_files,
    on_page_markdown,
    on_post_build,
    on_post_page,
)

__all__ = ["on_build_error", "on_config", "on_files", "on_page_markdown", "on_post_build", "on_post_page"]
