package ciamharness.adapter;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.tencentcloudapi.ciam.v20220331.models.ListJobsRequest;

import java.util.Map;

/**
 * Puts an intent's params into the SDK's typed ListJobsRequest, as a Java caller would:
 * UserStoreId given as a string through setUserStoreId, JobIds given as an array of
 * strings through setJobIds, and every other value (a number, a boolean, an object, an
 * array holding something other than strings, an unknown parameter) through
 * {@code AbstractModel.set(name, value)}, the SDK's public way to send a parameter its model
 * does not type. The SDK serialises those itself: into the JSON body of a TC3 POST, and it
 * refuses them, with an error of its own, for GET and signature v1 (AbstractClient
 * internalRequestRaw: "WrongUsage: ..."), which the adapter reports as it reports any SDK
 * error: without a code.
 *
 * <p>A parameter given as null is left unset: a Java caller's null is the field's default,
 * and the SDK's Gson leaves null fields (and null set() values) out of what it sends
 * (capabilities.nulls is false).
 */
final class Params {
    private Params() {}

    static ListJobsRequest toRequest(JsonObject params) {
        ListJobsRequest req = new ListJobsRequest();
        for (Map.Entry<String, JsonElement> e : params.entrySet()) {
            String name = e.getKey();
            JsonElement v = e.getValue();
            if (v.isJsonNull()) {
                continue;
            }
            if (name.equals("UserStoreId") && isString(v)) {
                req.setUserStoreId(v.getAsString());
            } else if (name.equals("JobIds") && isStringArray(v)) {
                JsonArray a = v.getAsJsonArray();
                String[] ids = new String[a.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = a.get(i).getAsString();
                }
                req.setJobIds(ids);
            } else {
                // The JsonElement itself: the SDK's Gson writes it as it is (123 stays 123,
                // where a Double would become 123.0).
                req.set(name, v);
            }
        }
        return req;
    }

    private static boolean isString(JsonElement v) {
        return v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
    }

    private static boolean isStringArray(JsonElement v) {
        if (!v.isJsonArray()) {
            return false;
        }
        for (JsonElement x : v.getAsJsonArray()) {
            if (!isString(x)) {
                return false;
            }
        }
        return true;
    }
}
