extension HTTP2Session.Configuration {
    /// The server's limits and handler, as the HTTP/1.1 path applies them.
    init(_ context: ServerContext) {
        self.init(handler: context.handler, errorResponder: context.errorResponder,
                  maxHeaderCount: context.limits.maxHeaderCount, maxHeaderBytes: context.limits.maxHeaderBytes,
                  maxBodyBytes: context.limits.maxBodyBytes, idleTimeout: context.timeouts.idle, headerTimeout: context.timeouts.header)
    }
}
