package sdkmutants

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ciam-harness/listjobs/driver"
)

// The Java SDK's broken copies (tencentcloud-sdk-java, the version drivers/java/pom.xml
// pins). A Java SDK is a jar, so a broken copy is: the files the edits name, taken from
// the SDK's sources jar of the same version (drivers/java/install unpacks its common and
// ciam parts into drivers/java/target/sdk-sources), edited, compiled with javac against
// the adapter's jar, and put first on the classpath of a copy of the adapter's launcher
// (drivers/java/run), so that the JVM loads them in place of the jar's. Every run passes
// the adapter's ledger (drivers/java/known-failures.json): the unpatched SDK's own failure
// is known, and a broken copy is judged on what it breaks beyond it.
//
// Not in the catalogue: a retry that never stops or never starts. The SDK has no
// rate-limit retry (its only retry, AbstractClient.retry, is a helper its caller invokes;
// the adapter's hello says capabilities.retry false), so the @sdk-retry scenarios are
// skipped through it and nothing could catch such a copy.

// DriverJava names the Java SDK's broken copies (--driver java: drivers/java/run); each
// runs through a copy of that launcher.
const DriverJava = "java"

// The Java SDK's files the edits touch, from the sources jar's root. AbstractClient,
// AbstractModel and JsonResponseErrModel have CRLF line ends: a search over several
// lines joins them with crlf.
const (
	javaClient   = "com/tencentcloudapi/common/AbstractClient.java"
	javaModel    = "com/tencentcloudapi/common/AbstractModel.java"
	javaErrModel = "com/tencentcloudapi/common/JsonResponseErrModel.java"
	javaCiam     = "com/tencentcloudapi/ciam/v20220331/CiamClient.java"
	crlf         = "\r\n"
)

// javaDecode is where AbstractClient.processResponseJson decodes a success for its caller.
const javaDecode = "        return ((JsonResponseModel<T>) gson.fromJson(body, type)).response;"

func javaCatalogue() []Broken {
	java := DriverJava
	tc3Hash := strings.Join([]string{
		"        String canonicalQueryString = this.getCanonicalQueryString(params, httpRequestMethod);",
		`        String canonicalHeaders = "content-type:" + contentType + "\nhost:" + endpoint + "\n";`,
		`        String signedHeaders = "content-type;host";`,
		"",
		`        String hashedRequestPayload = "";`,
		"        if (this.profile.isUnsignedPayload()) {",
		`            hashedRequestPayload = Sign.sha256Hex("UNSIGNED-PAYLOAD".getBytes(StandardCharsets.UTF_8));`,
		"        } else {",
		"            hashedRequestPayload = Sign.sha256Hex(requestPayload);",
	}, crlf)
	return []Broken{
		{Name: "java-unpatched", Driver: java, Break: "none: the jar as pom.xml pins it, through a copy of the launcher"},
		{Name: "java-payload-hash-empty", Driver: java, Rows: []string{"A1"},
			Break: "TC3: hashes the empty payload, whatever body it sends",
			Edits: []Edit{{javaClient, tc3Hash, strings.Replace(tc3Hash, "Sign.sha256Hex(requestPayload);", "Sign.sha256Hex(new byte[0]);", 1)}}},
		{Name: "java-query-signed-without-jobids", Driver: java, Rows: []string{"T2"},
			Break: "TC3 GET: signs the query without its JobIds.N parameters, and sends it with them",
			Edits: []Edit{
				{javaClient, "        String canonicalQueryString = this.getCanonicalQueryString(params, httpRequestMethod);",
					"        String sentQueryString = this.getCanonicalQueryString(params, httpRequestMethod);\n" +
						"        HashMap<String, String> signedParams = new HashMap<String, String>(params);\n" +
						"        signedParams.keySet().removeIf(k -> k.startsWith(\"JobIds.\"));\n" +
						"        String canonicalQueryString = this.getCanonicalQueryString(signedParams, httpRequestMethod);"},
				{javaClient, `return this.httpConnection.getRequest(url + "?" + canonicalQueryString, headers);`,
					`return this.httpConnection.getRequest(url + "?" + sentQueryString, headers);`},
			}},
		{Name: "java-timestamp-8h-ahead", Driver: java, Rows: []string{"A1"},
			Break: "TC3: X-TC-Timestamp 8 hours ahead (UTC+8 local time taken for UTC)",
			Edits: []Edit{{javaClient, "        String timestamp = String.valueOf(System.currentTimeMillis() / 1000);" + crlf + "        SimpleDateFormat sdf",
				"        String timestamp = String.valueOf(System.currentTimeMillis() / 1000 + 8 * 3600);" + crlf + "        SimpleDateFormat sdf"}}},
		{Name: "java-v1-signs-post", Driver: java, Rows: []string{"A7"},
			Break: "signature v1: signs every request as a POST, a GET included",
			Edits: []Edit{{javaClient, "                        this.profile.getHttpProfile().getReqMethod(),", `                        "POST",`}}},
		{Name: "java-token-dropped", Driver: java, Rows: []string{"A8"},
			Break: "TC3: a temporary key's token is not sent (no X-TC-Token)",
			Edits: []Edit{{javaClient, `            hb.add("X-TC-Token", token);`, "            // the token is dropped"}}},
		{Name: "java-version-other", Driver: java, Rows: []string{"T6", "S1"},
			Break: "the ciam client sends X-TC-Version 2021-03-31",
			Edits: []Edit{{javaCiam, `private static String version = "2022-03-31";`, `private static String version = "2021-03-31";`}}},
		{Name: "java-action-lowercase", Driver: java, Rows: []string{"T6", "S1"},
			Break: "the ciam client sends the action in lower case (listjobs)",
			Edits: []Edit{{javaCiam, `return this.internalRequest(req, "ListJobs", ListJobsResponse.class);`, `return this.internalRequest(req, "listjobs", ListJobsResponse.class);`}}},
		// Not JobIds numbered from 1 (JobIds.1, JobIds.2...): the endpoint reads JobIds.N
		// with gaps and in any order (emulator/doc.go), so such a client lists the same jobs
		// and no check can see it (it survived, measured).
		{Name: "java-jobids-bracketed", Driver: java, Rows: []string{"T2"},
			Break: "GET and signature v1: sends the JobIds as JobIds[0], JobIds[1]... instead of JobIds.0, JobIds.1...",
			Edits: []Edit{{javaModel, "this.setParamSimple(map, prefix + i, array[i]);",
				`this.setParamSimple(map, prefix.substring(0, prefix.length() - 1) + "[" + i + "]", array[i]);`}}},
		{Name: "java-error-code-lost", Driver: java, Rows: []string{"T7"},
			Break: "the error parser reads Error.code (a typo): every API error has no code",
			Edits: []Edit{{javaErrModel, `@SerializedName("Code")`, `@SerializedName("code")`}}},
		{Name: "java-error-requestid-lost", Driver: java, Rows: []string{"T8"},
			Break: "the error parser reads RequestID (a typo): every API error has no RequestId",
			Edits: []Edit{{javaErrModel, `@SerializedName("RequestId")`, `@SerializedName("RequestID")`}}},
		{Name: "java-jobset-drops-last", Driver: java, Rows: []string{"S1", "S2"},
			Break: "the decoder drops the last job of a JobSet of two or more",
			Edits: []Edit{{javaClient, javaDecode,
				"        com.google.gson.JsonObject tree = com.google.gson.JsonParser.parseString(body).getAsJsonObject();\n" +
					"        com.google.gson.JsonElement jobs = tree.getAsJsonObject(\"Response\").get(\"JobSet\");\n" +
					"        if (jobs != null && jobs.isJsonArray() && jobs.getAsJsonArray().size() > 1) {\n" +
					"            jobs.getAsJsonArray().remove(jobs.getAsJsonArray().size() - 1);\n" +
					"        }\n" +
					"        return ((JsonResponseModel<T>) gson.fromJson(tree, type)).response;"}}},
		{Name: "java-null-jobset-error", Driver: java, Rows: []string{"S5"},
			Break: `the decoder refuses "JobSet": null with an error of its own`,
			Edits: []Edit{{javaClient, javaDecode,
				"        com.google.gson.JsonElement jobs = com.google.gson.JsonParser.parseString(body).getAsJsonObject().getAsJsonObject(\"Response\").get(\"JobSet\");\n" +
					"        if (jobs != null && jobs.isJsonNull()) {\n" +
					"            throw new TencentCloudSDKException(\"JobSet is null\");\n" +
					"        }\n" + javaDecode}}},
		{Name: "java-request-client-renamed", Driver: java,
			Break:      "X-TC-RequestClient (and signature v1's RequestClient) says SDK_JAVA_COPY_3.1.1436",
			Equivalent: "T4: the endpoint ignores an X-TC-* header it does not need; the contract says nothing of X-TC-RequestClient",
			Edits:      []Edit{{javaClient, `SDK_VERSION = "SDK_JAVA_3.1.1436";`, `SDK_VERSION = "SDK_JAVA_COPY_3.1.1436";`}}},
		{Name: "java-body-indented", Driver: java,
			Break:      "TC3 POST: the JSON body is indented (and signed as sent)",
			Equivalent: "T1, A1: any JSON object is a body, and the signature covers the bytes sent",
			Edits:      []Edit{{javaModel, "return toJsonObject(obj).toString();", "return new GsonBuilder().setPrettyPrinting().create().toJson(toJsonObject(obj));"}}},
		{Name: "java-null-jobset-as-empty", Driver: java,
			Break:      `the decoder hands its caller "JobSet": [] for "JobSet": null`,
			Equivalent: "S5: an empty result may be [] or null",
			Edits: []Edit{{javaClient, javaDecode,
				"        com.google.gson.JsonObject tree = com.google.gson.JsonParser.parseString(body).getAsJsonObject();\n" +
					"        com.google.gson.JsonObject r = tree.getAsJsonObject(\"Response\");\n" +
					"        if (r.has(\"JobSet\") && r.get(\"JobSet\").isJsonNull()) {\n" +
					"            r.add(\"JobSet\", new com.google.gson.JsonArray());\n" +
					"        }\n" +
					"        return ((JsonResponseModel<T>) gson.fromJson(tree, type)).response;"}}},
	}
}

// javaSource is what the Java SDK's broken copies are made from: drivers/java, built.
type javaSource struct {
	dir     string // drivers/java
	jar     string // the adapter's jar, the SDK's classes in it
	sources string // the SDK's sources (target/sdk-sources)
	ledger  string // the adapter's known failures
	java    string
	javac   string
}

// findJava finds the built Java adapter of the repository at repo. Its errors are one
// sentence, saying how to get what is missing.
func findJava(repo string) (javaSource, error) {
	dir := filepath.Join(repo, "drivers", "java")
	js := javaSource{dir: dir, jar: filepath.Join(dir, "target", "ciam-java-adapter.jar"),
		sources: filepath.Join(dir, "target", "sdk-sources"), ledger: filepath.Join(dir, "known-failures.json")}
	var err error
	if js.java, err = exec.LookPath("java"); err != nil {
		return js, errors.New("the Java broken SDKs need a JDK 17: java is not on PATH")
	}
	if js.javac, err = exec.LookPath("javac"); err != nil {
		return js, errors.New("the Java broken SDKs need a JDK 17, not only a JRE: javac is not on PATH")
	}
	for _, f := range []string{js.jar, js.sources} {
		if _, err := os.Stat(f); err != nil {
			return js, fmt.Errorf("the Java broken SDKs need the Java adapter built: run drivers/java/install (%s is missing)", f)
		}
	}
	return js, nil
}

// copyJava copies the SDK sources the edits of b name into dir (none for the control).
func (s Sources) copyJava(b Broken, dir string) error {
	js, err := findJava(s.Repo)
	if err != nil {
		return err
	}
	var files []string
	for _, e := range b.Edits {
		files = append(files, e.File)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return copyTree(js.sources, dir, files...)
}

// compile compiles the edited files of b, copied and edited under src, into classes,
// against the adapter's jar. An edit that does not compile is a setup error.
func (js javaSource) compile(ctx context.Context, b Broken, src, classes string) error {
	seen := map[string]bool{}
	args := []string{"-encoding", "UTF-8", "-nowarn", "-proc:none", "-cp", js.jar, "-d", classes}
	for _, e := range b.Edits {
		if !seen[e.File] {
			seen[e.File] = true
			args = append(args, filepath.Join(src, filepath.FromSlash(e.File)))
		}
	}
	if len(seen) == 0 {
		return os.MkdirAll(classes, 0o755)
	}
	out, err := exec.CommandContext(ctx, js.javac, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("the edited files do not compile: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// prepareJava makes b ready to run: its classes compiled, a copy of the launcher that puts
// them first on the classpath, and the harness (built once, into *harness).
func (s Sources) prepareJava(ctx context.Context, b Broken, tmp string, harness *string) (prepared, error) {
	p := prepared{Broken: b}
	js, err := findJava(s.Repo)
	if err != nil {
		return p, err
	}
	if *harness == "" {
		*harness = filepath.Join(tmp, "conformance")
		if err := goBuild(ctx, s.Repo, *harness); err != nil {
			return p, fmt.Errorf("the harness does not build: %v", err)
		}
	}
	dir := filepath.Join(tmp, "java", b.Name)
	if err := s.copySDK(b, filepath.Join(dir, "src")); err != nil {
		return p, err
	}
	classes := filepath.Join(dir, "classes")
	if err := js.compile(ctx, b, filepath.Join(dir, "src"), classes); err != nil {
		return p, fmt.Errorf("broken SDK %s: %v", b.Name, err)
	}
	run := filepath.Join(dir, "run")
	// drivers/java/run, with the broken classes first: -cp and the adapter's main class
	// instead of -jar (which ignores -cp).
	script := "#!/bin/sh\n# A broken copy of tencentcloud-sdk-java (" + b.Name + "): drivers/java/run with the edited classes first.\n" +
		"exec " + shellQuote(js.java) + " -XX:+UseSerialGC -Xms32m -cp " + shellQuote(classes+string(os.PathListSeparator)+js.jar) +
		" ciamharness.adapter.Main \"$@\"\n"
	if err := os.WriteFile(run, []byte(script), 0o755); err != nil {
		return p, err
	}
	p.argv = []string{*harness, "--driver", driver.ExecPrefix + shellQuote(run), "--known-failures", js.ledger}
	return p, nil
}
