def infer_schema(path, **kw):
    raise NotImplementedError
