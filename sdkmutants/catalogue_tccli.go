package sdkmutants

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/driver"
)

// Broken tccli: copies of tccli 3.1.189.1 and of the tencentcloud-sdk-python it runs
// (drivers/tccli/.venv's site-packages), run through a copy of drivers/tccli/adapter.py
// by the venv's Python with PYTHONPATH putting the broken copy first. The edits' paths
// are from site-packages: tccli/... or tencentcloud/....

// DriverTccli names the tccli adapter's broken SDKs (--driver tccli, once the harness
// maps it to drivers/tccli/run).
const DriverTccli = "tccli"

// The files the edits touch, from site-packages.
const (
	tccliSDKClient = "tencentcloud/common/abstract_client.py"
	tccliCiamSDK   = "tencentcloud/ciam/v20220331/ciam_client.py"
	tccliModels    = "tencentcloud/ciam/v20220331/models.py"
	tccliService   = "tccli/services/ciam/ciam_client.py"
	tccliArgument  = "tccli/argument.py"
	tccliOutput    = "tccli/format_output.py"
	tccliMain      = "tccli/main.py"
)

// tccliTC3Body is the end of the TC3 request builder, where it writes the POST body.
const tccliTC3Body = "        if cred_token:\n            req.header['X-TC-Token'] = cred_token\n        if self.profile.language:\n            req.header['X-TC-Language'] = self.profile.language\n\n        if req.method == 'GET':\n            params = copy.deepcopy(self._fix_params(params))\n            req.data = urlencode(params)\n        elif content_type == _json_content:\n            req.data = json.dumps(params)\n"

// tccliJobSet is where the SDK's ListJobsResponse decodes JobSet.
const tccliJobSet = "        if params.get(\"JobSet\") is not None:\n            self._JobSet = []\n            for item in params.get(\"JobSet\"):\n"

func tccliCatalogue() []Broken {
	d := DriverTccli
	return []Broken{
		{Name: "tccli-unpatched", Driver: d, Break: "none: a copy of tccli and of the ciam and common parts of the SDK, through a copy of the adapter"},
		{Name: "tccli-payload-hash-empty", Driver: d, Rows: []string{"A1"},
			Break: "TC3: the SDK hashes the empty payload, whatever body it sends",
			Edits: []Edit{{tccliSDKClient, "        payload_hash = hashlib.sha256(payload).hexdigest()\n", "        payload_hash = hashlib.sha256(b\"\").hexdigest()\n"}}},
		{Name: "tccli-signed-host-default", Driver: d, Rows: []string{"A1"},
			Break: "TC3: the SDK signs the service's default host (ciam.tencentcloudapi.com), not the Host it sends (--endpoint)",
			Edits: []Edit{{tccliSDKClient, "            req.header[\"Content-Type\"], req.header[\"Host\"])\n", "            req.header[\"Content-Type\"], self._get_service_domain())\n"}}},
		{Name: "tccli-timestamp-8h-ahead", Driver: d, Rows: []string{"A1"},
			Break: "TC3: X-TC-Timestamp 8 hours ahead (UTC+8 local time taken for UTC)",
			Edits: []Edit{{tccliSDKClient, "        timestamp = int(time.time())\n        cred_secret_id, cred_secret_key, cred_token",
				"        timestamp = int(time.time()) + 8 * 3600\n        cred_secret_id, cred_secret_key, cred_token"}}},
		{Name: "tccli-version-other", Driver: d, Rows: []string{"T6", "S1"},
			Break: "the SDK's ciam client sends X-TC-Version 2021-03-31",
			Edits: []Edit{{tccliCiamSDK, "    _apiVersion = '2022-03-31'\n", "    _apiVersion = '2021-03-31'\n"}}},
		{Name: "tccli-action-other", Driver: d, Rows: []string{"T6", "S1"},
			Break: "the SDK's ciam client calls the action ListJob for ListJobs",
			Edits: []Edit{{tccliCiamSDK, `body = self.call("ListJobs", params, headers=headers)`, `body = self.call("ListJob", params, headers=headers)`}}},
		{Name: "tccli-error-code-lost", Driver: d, Rows: []string{"T7"},
			Break: "the SDK's error parser drops Error.Code: tccli prints every API error with an empty code",
			Edits: []Edit{{tccliSDKClient, "            raise TencentCloudSDKException(code, message, reqid)\n", "            raise TencentCloudSDKException(\"\", message, reqid)\n"}}},
		{Name: "tccli-error-requestid-lost", Driver: d, Rows: []string{"T8"},
			Break: "the SDK's error parser drops the RequestId: tccli prints requestId:None for every API error",
			Edits: []Edit{{tccliSDKClient, "            raise TencentCloudSDKException(code, message, reqid)\n", "            raise TencentCloudSDKException(code, message, None)\n"}}},
		{Name: "tccli-jobset-drops-last", Driver: d, Rows: []string{"S1", "S2"},
			Break: "the SDK's ListJobsResponse drops the last job of a JobSet of two or more",
			Edits: []Edit{{tccliModels, tccliJobSet, "        if params.get(\"JobSet\") is not None:\n            self._JobSet = []\n            for item in params.get(\"JobSet\")[:-1] if len(params.get(\"JobSet\")) > 1 else params.get(\"JobSet\"):\n"}}},
		{Name: "tccli-null-jobset-error", Driver: d, Rows: []string{"S5"},
			Break: `the SDK's ListJobsResponse fails on "JobSet": null (it iterates it): tccli prints a TypeError and exits 255`,
			Edits: []Edit{{tccliModels, tccliJobSet, "        if True:\n            self._JobSet = []\n            for item in params.get(\"JobSet\"):\n"}}},
		{Name: "tccli-jobids-uppercased", Driver: d, Rows: []string{"S2"},
			Break: "tccli reads a JSON option (--JobIds) upper-cased: every job id it sends is in upper case",
			Edits: []Edit{{tccliArgument, `return json.loads(value.encode("utf8"))`, `return json.loads(value.upper().replace("NULL", "null").encode("utf8"))`}}},
		{Name: "tccli-token-dropped", Driver: d, Rows: []string{"A8"},
			Break: "tccli ignores --token: a temporary key goes out without X-TC-Token",
			Edits: []Edit{{tccliService, "    g_param = parsed_globals\n    cvm_role_flag = True\n", "    g_param = parsed_globals\n    g_param[OptionsDefine.Token] = None\n    cvm_role_flag = True\n"}}},
		{Name: "tccli-output-drops-last", Driver: d, Rows: []string{"S1", "S2"},
			Break: "tccli's JSON output leaves out the last job of a JobSet of two or more (the SDK decoded them all)",
			Edits: []Edit{{tccliOutput, "ret = json.dumps(response, ensure_ascii=False, indent=4)",
				"ret = json.dumps(dict(response, JobSet=response['JobSet'][:-1]) if isinstance(response, dict) and isinstance(response.get('JobSet'), list) and len(response['JobSet']) > 1 else response, ensure_ascii=False, indent=4)"}}},
		{Name: "tccli-api-error-exit-0", Driver: d, Rows: []string{"T7"},
			Break: "tccli prints an API error on stderr but exits 0, with nothing on stdout",
			Edits: []Edit{{tccliMain, "        log.error(e)\n        return 255\n", "        log.error(e)\n        return 0\n"}}},
		{Name: "tccli-request-client-renamed", Driver: d,
			Break:      "X-TC-RequestClient says SDK_PYTHON_COPY_3.1.189; _CLI_3.1.189.1",
			Equivalent: "T4: the endpoint ignores an X-TC-* header it does not need; the contract says nothing of X-TC-RequestClient",
			Edits:      []Edit{{tccliSDKClient, "    _sdkVersion = 'SDK_PYTHON_%s' % tencentcloud.__version__\n", "    _sdkVersion = 'SDK_PYTHON_COPY_%s' % tencentcloud.__version__\n"}}},
		{Name: "tccli-body-compact", Driver: d,
			Break:      "TC3 POST: the SDK writes the JSON body without spaces (and signs it as sent)",
			Equivalent: "T1, A1: any JSON object is a body, and the signature covers the bytes sent",
			Edits:      []Edit{{tccliSDKClient, tccliTC3Body, strings.Replace(tccliTC3Body, "json.dumps(params)", "json.dumps(params, separators=(\",\", \":\"))", 1)}}},
		{Name: "tccli-output-indent-2", Driver: d,
			Break:      "tccli prints its JSON output indented by 2 instead of 4",
			Equivalent: "the output is the same JSON: what tccli's callers read of it is unchanged",
			Edits:      []Edit{{tccliOutput, "ret = json.dumps(response, ensure_ascii=False, indent=4)", "ret = json.dumps(response, ensure_ascii=False, indent=2)"}}},
	}
}

// tccliKeep are the parts of site-packages a broken tccli copies (files and folders,
// slash-separated): every file an edit may touch is in one. The rest of the two
// packages (tccli's other services, the SDK's other products: 600 MB) is linked.
func tccliKeep() []string {
	return []string{"tccli/__init__.py", "tccli/argument.py", "tccli/format_output.py", "tccli/main.py",
		"tccli/services/__init__.py", "tccli/services/ciam", "tencentcloud/__init__.py", "tencentcloud/common", "tencentcloud/ciam"}
}

// tccliSite returns the venv's Python and site-packages (drivers/tccli/.venv). Its
// errors are one sentence.
func (s Sources) tccliSite() (python, site string, err error) {
	venv := filepath.Join(s.Repo, "drivers", "tccli", ".venv")
	python = filepath.Join(venv, "bin", "python")
	if _, err := os.Stat(filepath.Join(venv, ".installed")); err != nil {
		return "", "", fmt.Errorf("the tccli broken SDKs need tccli installed: run drivers/tccli/install (%v)", err)
	}
	out, err := exec.Command(python, "-E", "-s", "-c", "import os, tccli; print(os.path.dirname(os.path.dirname(tccli.__file__)))").Output()
	if err != nil {
		return "", "", fmt.Errorf("the tccli venv's Python does not import tccli: %v", err)
	}
	return python, strings.TrimSpace(string(out)), nil
}

// copyTccli copies the parts of tccli and of the SDK that the edits may touch from the
// venv's site-packages into dir, and links the rest, so that dir on PYTHONPATH is a
// whole tccli.
func (s Sources) copyTccli(dir string) error {
	_, site, err := s.tccliSite()
	if err != nil {
		return err
	}
	for _, top := range []string{"tccli", "tencentcloud"} {
		if err := linkPart(site, dir, top, tccliKeep()); err != nil {
			return err
		}
	}
	return nil
}

// linkPart makes dst/rel a copy of src/rel where rel is one of keep or under one, a
// folder of links and copies where rel holds one of keep, and a symbolic link to
// src/rel otherwise.
func linkPart(src, dst, rel string, keep []string) error {
	under := slices.ContainsFunc(keep, func(k string) bool { return rel == k || strings.HasPrefix(rel, k+"/") })
	holds := slices.ContainsFunc(keep, func(k string) bool { return strings.HasPrefix(k, rel+"/") })
	from, to := filepath.Join(src, filepath.FromSlash(rel)), filepath.Join(dst, filepath.FromSlash(rel))
	switch {
	case under:
		return copyTree(src, dst, rel)
	case !holds:
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		return os.Symlink(from, to)
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == "__pycache__" {
			continue
		}
		if err := linkPart(src, dst, rel+"/"+e.Name(), keep); err != nil {
			return err
		}
	}
	return nil
}

// prepareTccli makes the broken tccli b under tmp: the copy in tmp/tccli/NAME/site,
// checked (every edited file compiles, and tccli and the SDK import from the copy), and
// a copy of the adapter beside it; the harness (built into *harness once) runs it with
// PYTHONPATH=site and the known-failure ledger of drivers/tccli.
func (s Sources) prepareTccli(ctx context.Context, b Broken, tmp string, harness *string) (prepared, error) {
	python, _, err := s.tccliSite()
	if err != nil {
		return prepared{}, err
	}
	if *harness == "" {
		*harness = filepath.Join(tmp, "conformance")
		if err := goBuild(ctx, s.Repo, *harness); err != nil {
			return prepared{}, fmt.Errorf("the harness does not build: %v", err)
		}
	}
	dir := filepath.Join(tmp, "tccli", b.Name)
	site := filepath.Join(dir, "site")
	if err := s.copySDK(b, site); err != nil {
		return prepared{}, err
	}
	adapterDir := filepath.Join(s.Repo, "drivers", "tccli")
	if err := copyTree(adapterDir, dir, "adapter.py"); err != nil {
		return prepared{}, err
	}
	check := `import sys, py_compile
for f in sys.argv[2:]:
    py_compile.compile(f, doraise=True)
import tccli.main, tencentcloud.common.abstract_client as c, tencentcloud.ciam.v20220331.models as m
for mod in (tccli.main, c, m):
    assert mod.__file__.startswith(sys.argv[1]), mod.__file__ + " is not from the copy"
`
	args := []string{"-s", "-c", check, site}
	for _, e := range b.Edits {
		args = append(args, filepath.Join(site, filepath.FromSlash(e.File)))
	}
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+site, "PYTHONDONTWRITEBYTECODE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return prepared{}, fmt.Errorf("broken SDK %s: the copy does not load: %v: %s", b.Name, err, strings.TrimSpace(string(out)))
	}
	adapter := "/usr/bin/env " + shellQuote("PYTHONPATH="+site) + " " + shellQuote(python) + " -s " + shellQuote(filepath.Join(dir, "adapter.py"))
	return prepared{Broken: b, argv: []string{*harness, "--driver", driver.ExecPrefix + adapter,
		"--known-failures", filepath.Join(adapterDir, "known-failures.json")}}, nil
}
