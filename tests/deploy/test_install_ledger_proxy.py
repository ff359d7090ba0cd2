"""install-ledger.sh --proxy: the nginx site rendered for the host and the ledger's port, room
for 1,100 idle connections in nginx.conf, and a site that nginx itself accepts."""

import re
import subprocess

import trustme

from tests.deploy.conftest import DEPLOY
from tests.deploy.test_install_scripts import install
from tests.deploy.test_reverse_proxy import nginx_path

DEBIAN_MAIN = """user www-data;
worker_processes auto;
pid /run/nginx.pid;

events {
\tworker_connections 768;
}

http {
\tinclude /etc/nginx/conf.d/*.conf;
}
"""


def test_the_proxy_site_is_rendered_for_the_host_and_the_ledgers_port(tmp_path, kiosk_wheel):
    root = tmp_path / "root"
    (root / "etc/nginx").mkdir(parents=True)
    (root / "etc/nginx/nginx.conf").write_text(DEBIAN_MAIN)
    (root / "etc/timebank-ledger").mkdir(parents=True)
    # A ledger.env from an earlier install, on another port: the proxy follows it.
    env = root / "etc/timebank-ledger/ledger.env"
    env.write_text("TIMEBANK_LEDGER_DB=sqlite:////x.db\nTIMEBANK_LEDGER_PORT=9100\n")
    install("install-ledger.sh", root, "--wheel", str(kiosk_wheel), "--proxy", "ledger.example.org")

    site = (root / "etc/nginx/conf.d/timebank-ledger.conf").read_text()
    assert "server_name ledger.example.org;" in site
    assert "ssl_certificate /etc/letsencrypt/live/ledger.example.org/fullchain.pem;" in site
    assert "ssl_certificate_key /etc/letsencrypt/live/ledger.example.org/privkey.pem;" in site
    assert "server 127.0.0.1:9100;" in site and "listen 443 ssl;" in site
    assert not re.search(r"@[A-Z_]+@", site)
    main = (root / "etc/nginx/nginx.conf").read_text()
    assert "\tworker_connections 4096;" in main and "768" not in main
    assert main.startswith("worker_rlimit_nofile 8192;\n")


def test_the_installed_site_passes_nginx_t(tmp_path, kiosk_wheel):
    ca = trustme.CA()
    issued = ca.issue_cert("ledger.example.org")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_bytes(b"".join(pem.bytes() for pem in issued.cert_chain_pems))
    issued.private_key_pem.write_to_path(str(key))
    root = tmp_path / "root"
    install(
        "install-ledger.sh",
        root,
        "--wheel",
        str(kiosk_wheel),
        *("--proxy", "ledger.example.org", "--cert", str(cert), "--cert-key", str(key)),
    )
    site = root / "etc/nginx/conf.d/timebank-ledger.conf"
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{ include {site}; }}\n")
    checked = subprocess.run(
        [
            nginx_path(),
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(main),
        ],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_the_proxy_needs_the_ledger_on_loopback_and_certificates_need_the_proxy(tmp_path):
    for args, said in (
        (["--proxy", "ledger.example.org", "--host", "0.0.0.0"], "must listen on 127.0.0.1"),
        (["--cert", "/x.pem"], "go with --proxy"),
        (["--proxy", "a;b"], "must be host names"),
    ):
        run = subprocess.run(
            ["bash", str(DEPLOY / "install-ledger.sh"), "--root", str(tmp_path), *args],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 2 and said in run.stderr, run.stderr
