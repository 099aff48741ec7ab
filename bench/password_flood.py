#!/usr/bin/env python3
"""Password hashing fairness (issue 14 item 3): another user's /login latency while one
account floods /changePassword.

Starts `krypton serve` on a fresh data dir (the demo account plus bob), measures the demo
user's login latency alone (baseline), then again while FLOODERS threads send
/changePassword with a wrong old password from bob's token as fast as they are answered,
and prints one JSON line: login p50/p99/max in both phases and what the flood got.

  bench/password_flood.py [--krypton build/default/src/app/krypton] [--flooders 30]
                          [--duration 10] [--main-compat]

--main-compat leaves out the configuration keys an older binary does not know (to run the
same scenario against main's build). Both runs raise the guessing limits so that the
flood measures the hashing queue, not the limiter.
"""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def request(port, method, path, body, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body), headers=headers)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def login(port, user, password):
    return request(port, "POST", "/login",
                   {"username": user, "password": password, "pid": "00000000000"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--krypton", default="build/default/src/app/krypton")
    ap.add_argument("--flooders", type=int, default=30)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--main-compat", action="store_true")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="krypton-pwflood-")
    data = os.path.join(work, "data")
    k = args.krypton
    demo = json.loads(subprocess.check_output([k, "admin", "demo", "--data-dir", data, "--json"]))
    subprocess.check_output([k, "admin", "user", "create", "--email", "bob@example.com",
                             "--password", "bob-secret", "--data-dir", data, "--json"])
    sets = ["listen.address=127.0.0.1", "http.port=0", "info.port=0", "hub.device.port=0",
            "hub.app.tcp_port=0", "hub.app.ws_port=0", "log.level=error",
            "limits.login_failures_per_account=10000", "limits.requests_per_ip_per_s=1000000"]
    if not args.main_compat:
        sets += ["limits.password_failures_per_ip=1000000"]
    cmd = [k, "serve", "--data-dir", data]
    for s in sets:
        cmd += ["--set", s]
    out = open(os.path.join(work, "out"), "w+")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
    try:
        port = None
        for _ in range(200):
            out.seek(0)
            for line in out:
                if '"listening"' in line:
                    port = json.loads(line)["ports"]["http"]
            if port:
                break
            time.sleep(0.05)
        assert port, "krypton did not start"
        demo_user, demo_pw = demo["email"], demo["password"]

        def measure(n):
            lat, statuses = [], {}
            for _ in range(n):
                t = time.monotonic()
                st, _ = login(port, demo_user, demo_pw)
                lat.append(time.monotonic() - t)
                statuses[st] = statuses.get(st, 0) + 1
            return lat, statuses

        measure(2)  # warm-up
        base, base_st = measure(20)

        st, body = login(port, "bob@example.com", "bob-secret")
        token = json.loads(body)["access_token"]
        stop = threading.Event()
        flood = {}
        lock = threading.Lock()

        def flooder():
            while not stop.is_set():
                s, _ = request(port, "POST", "/changePassword",
                               {"oldPassword": "wrong-old", "newPassword": "n3w-secret"}, token)
                with lock:
                    flood[s] = flood.get(s, 0) + 1

        threads = [threading.Thread(target=flooder) for _ in range(args.flooders)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        lat, lat_st = [], {}
        end = time.monotonic() + args.duration
        while time.monotonic() < end:
            l, s = measure(1)
            lat += l
            for key, v in s.items():
                lat_st[key] = lat_st.get(key, 0) + v
        stop.set()
        for t in threads:
            t.join()
        ms = lambda v: None if v is None else round(v * 1000, 1)
        print(json.dumps({
            "scenario": "password-flood", "binary": k, "flooders": args.flooders,
            "duration_s": args.duration,
            "baseline_login_ms": {"p50": ms(percentile(base, 50)), "p99": ms(percentile(base, 99)),
                                  "n": len(base), "status": base_st},
            "flood_login_ms": {"p50": ms(percentile(lat, 50)), "p99": ms(percentile(lat, 99)),
                               "max": ms(max(lat) if lat else None), "n": len(lat),
                               "status": lat_st},
            "flood_answers": flood,
        }))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
