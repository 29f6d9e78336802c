"""The cluster's nginx configuration and launcher: the template renders to a configuration that
nginx itself accepts (sticky cookie hash, WebSocket upgrade, warm-up endpoint hidden), and the
launcher refuses bad arguments before starting anything."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "scripts" / "nginx.conf.template"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def render(run_dir: Path, ports: list[int]) -> str:
    """The template filled in the way scripts/serve_cluster.sh fills it."""
    upstreams = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in ports)
    text = TEMPLATE.read_text()
    for key, value in {
        "@RUN_DIR@": str(run_dir),
        "@LISTEN@": "127.0.0.1:18999",
        "@USER_LINE@": "",
        "@UPSTREAMS@": upstreams,
    }.items():
        text = text.replace(key, value)
    return text


def test_the_template_is_sticky_and_proxies_websockets(tmp_path):
    conf = render(tmp_path, [9001, 9002, 9003])
    import re

    assert not re.search(r"@[A-Z_]+@", conf)  # every field filled
    assert "hash $sticky_key consistent;" in conf
    assert conf.count("server 127.0.0.1:900") == 3
    stream = conf[conf.index("location /_stcore/stream") :]
    stream = stream[: stream.index("}")]
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $connection_upgrade;" in stream
    assert "proxy_http_version 1.1;" in stream
    assert "location = /_stcore/script-health-check" in conf


@pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (scripts/serve_cluster.sh installs it)"
)
def test_nginx_accepts_the_rendered_configuration(tmp_path):
    (tmp_path / "nginx-tmp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(render(tmp_path, [9001, 9002]))
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("args", [["--replicas", "0"], ["--replicas", "x"], ["--bogus"]])
def test_the_launcher_refuses_bad_arguments(args, tmp_path):
    result = subprocess.run(
        ["bash", "scripts/serve_cluster.sh", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SHAOYANG_CLUSTER_DIR": str(tmp_path)},
        timeout=30,
    )
    assert result.returncode == 2
    assert not (tmp_path / "nginx.conf").exists()
