"""`fagui keys create|list|revoke` (接口密钥) and `fagui db migrate|status` (PostgreSQL schema)."""
from __future__ import annotations

import json
from typing import Annotated

import typer

from corpus.config import Settings
from ui.service.settings import ServerSettings
from corpus.store.base import StoreError
from ui.cli.common import keys_app, db_app, err, JsonOption, fail


def _keys():
    from ui.service.keys import KeyStore

    return KeyStore(ServerSettings.from_env().config_dir)


@keys_app.command("create")
def keys_create_cmd(role: Annotated[str, typer.Option("--role", help="reader | admin")],
                    note: Annotated[str, typer.Option("--note", help="备注 (who/what it is for)")] = "") -> None:
    """新建密钥；密钥只显示这一次 (prints the new key once, on stdout)."""
    from ui.service.keys import KeyError_

    try:
        key, secret = _keys().create(role, note)
    except KeyError_ as exc:
        fail(str(exc))
    err.print(f"key id {key.key_id}, role {key.role}: store it now, it is not shown again")
    print(secret)


@keys_app.command("list")
def keys_list_cmd(as_json: JsonOption = False) -> None:
    """列出密钥 (ids, roles, dates; never the keys)."""
    rows = [k.public() for k in _keys().list()]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    for k in rows:
        print(f"{k['key_id']}  {k['role']:<6}  created {k['created']}  "
              f"{'revoked ' + k['revoked'] if k['revoked'] else 'active'}  {k['note']}")


@keys_app.command("revoke")
def keys_revoke_cmd(key_id: Annotated[str, typer.Argument(help="密钥 id")]) -> None:
    """吊销密钥 (takes effect in a running server at its next request)."""
    from ui.service.keys import KeyError_

    try:
        key = _keys().revoke(key_id)
    except KeyError_ as exc:
        fail(str(exc))
    print(f"revoked {key.key_id} ({key.role})")


def _database_url() -> str:
    """The configured PostgreSQL URL once it answers (else one clear line and exit 2)."""
    from corpus.store.pgconn import check_reachable

    url = Settings.from_env().database_url
    if not url:
        fail("no PostgreSQL configured: pass --database-url or set FAGUI_DATABASE_URL "
              "(the embedded SQLite store needs no migrations)")
    try:
        check_reachable(url)
    except StoreError as exc:
        fail(str(exc))
    return url


@db_app.command("migrate")
def db_migrate_cmd(as_json: JsonOption = False) -> None:
    """应用数据库迁移 (apply the schema migrations this fagui ships; safe to repeat)."""
    from corpus.store.pgmigrate import latest_version, migrate

    url = _database_url()
    applied = migrate(url)
    result = {"applied": applied, "schema_version": latest_version()}
    print(json.dumps(result, ensure_ascii=False) if as_json else
          f"applied {', '.join(applied) or 'nothing (up to date)'}; schema version {latest_version()}")


@db_app.command("status")
def db_status_cmd(as_json: JsonOption = False) -> None:
    """数据库状态 (schema version, migrations pending, index generation)."""
    import psycopg

    from corpus.store.pgconn import mask_url
    from corpus.store.pgmigrate import applied_version, latest_version
    from indexer.postgres.index import index_meta

    url = _database_url()
    with psycopg.connect(url, autocommit=True) as conn:
        have = applied_version(conn)
        meta = index_meta(conn)
    result = {"database": mask_url(url), "schema_version": have, "latest": latest_version(),
              "pending": latest_version() - have, "index_generation": meta.get("generation")}
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else
          "\n".join(f"{k}: {v}" for k, v in result.items()))
