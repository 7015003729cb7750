"""The PostgreSQL test cluster (tests/pgcluster.py) is real: streaming replication to a
read-only hot standby, pgvector with an HNSW index, and password authentication."""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg
import pytest
from pgvector.psycopg import register_vector

pytestmark = pytest.mark.postgres


def test_replica_follows_the_primary_and_refuses_writes(pg_cluster, pg_database):
    primary_url, replica_url = pg_database
    with psycopg.connect(primary_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE law (id int PRIMARY KEY, title text NOT NULL)")
        conn.execute("INSERT INTO law VALUES (1, '中华人民共和国劳动合同法'), (2, '中华人民共和国刑法')")
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (False,)
    pg_cluster.wait_replica_caught_up()
    with psycopg.connect(replica_url, autocommit=True) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        assert conn.execute("SELECT title FROM law ORDER BY id").fetchall() == [
            ("中华人民共和国劳动合同法",), ("中华人民共和国刑法",)]
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("INSERT INTO law VALUES (3, '宪法')")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("CREATE TABLE nope (id int)")


def test_pgvector_hnsw_nearest_neighbour(pg_cluster, pg_database):
    primary_url, replica_url = pg_database
    with psycopg.connect(primary_url, autocommit=True) as conn:
        register_vector(conn)  # numpy arrays in and out as `vector`
        assert conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0] >= "0.8"
        conn.execute("CREATE TABLE chunk (id int PRIMARY KEY, embedding vector(3) NOT NULL)")
        conn.execute("CREATE INDEX chunk_hnsw ON chunk USING hnsw (embedding vector_cosine_ops)")
        rows = [(1, [1, 0, 0]), (2, [0, 1, 0]), (3, [0, 0, 1]), (4, [0.7, 0.7, 0])]
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO chunk VALUES (%s, %s)",
                            [(i, np.array(v, dtype=np.float32)) for i, v in rows])
        conn.execute("SET enable_seqscan = off")  # so the planner takes the HNSW index
        query = "SELECT id, embedding FROM chunk ORDER BY embedding <=> %s LIMIT 2"
        near = np.array([0.1, 0.9, 0], dtype=np.float32)
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + query, (near,)))
        assert "chunk_hnsw" in plan, plan
        found = conn.execute(query, (near,)).fetchall()
        assert [r[0] for r in found] == [2, 4]
        assert np.allclose(found[0][1].to_numpy(), [0, 1, 0])  # read back as pgvector.Vector
    pg_cluster.wait_replica_caught_up()
    with psycopg.connect(replica_url, autocommit=True) as conn:  # the index is replicated too
        register_vector(conn)
        conn.execute("SET enable_seqscan = off")
        assert conn.execute(query, (np.array([0.9, 0.1, 0.05], dtype=np.float32),)).fetchone()[0] == 1


def test_wrong_password_is_refused(pg_cluster):
    parts = urlsplit(pg_cluster.primary_url)
    wrong = urlunsplit(parts._replace(netloc=f"fagui:not-the-password@{parts.hostname}:{parts.port}"))
    for url in (wrong, wrong.replace(f":{parts.port}/", f":{pg_cluster.replica.port}/")):
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(url, connect_timeout=10)
    with psycopg.connect(pg_cluster.primary_url, connect_timeout=10) as conn:  # the right one works
        assert conn.execute("SELECT current_user").fetchone() == ("fagui",)
