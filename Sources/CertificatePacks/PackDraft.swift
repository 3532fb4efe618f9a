/// A pack a test creates directly (control API, in-process helper): any id, any status,
/// no order rules, so a test can start from "pending_validation for an hour".
public struct PackDraft: Sendable, Equatable {
    /// Either id format; nil draws one in the configured format.
    public var id: String?
    public var zoneID: String
    public var order: OrderRequest
    /// The status it starts in.
    public var status: PackStatus
    /// Stays at `status` until released (`force(_:status: nil)`) or moved by a PATCH.
    /// Statuses outside the pack's lifecycle (deleted, expired, …) are always pinned.
    public var pinned: Bool
    /// Virtual seconds it has already spent in `status`: an unpinned pack moves on when its
    /// stage's duration is used up; an active pack's certificates were issued that long ago.
    public var secondsInStatus: Double

    public init(id: String? = nil, zoneID: String, order: OrderRequest, status: PackStatus = .initializing,
                pinned: Bool = false, secondsInStatus: Double = 0) {
        self.id = id
        self.zoneID = zoneID
        self.order = order
        self.status = status
        self.pinned = pinned
        self.secondsInStatus = secondsInStatus
    }
}
