"""One request body per operation: the multipart upload's form fields belong in it, not in parameters.

flask-smorest turns the first body location (here the files) into requestBody and leaves the form
fields as OpenAPI 2 `formData` parameters, which OpenAPI 3 does not have. The upload documents the
whole form as its requestBody (schemas.SightingUpload), so the leftover parameters go.
"""

from apispec import BasePlugin

FORM_LOCATIONS = ("form", "formData", "files")


class MultipartFormPlugin(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            if not isinstance(operation, dict) or "multipart/form-data" not in operation.get("requestBody", {}).get(
                "content", {}
            ):
                continue
            kept = [
                p
                for p in operation.get("parameters", [])
                if not (isinstance(p, dict) and p.get("in") in FORM_LOCATIONS)
            ]
            if kept:
                operation["parameters"] = kept
            else:
                operation.pop("parameters", None)
