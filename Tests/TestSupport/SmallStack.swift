import Basics

/// Runs `body` on a thread with a stack of `stackSize` bytes (by default 1 MiB, the stack of the gateway's
/// workers, `WorkerPool`) and waits for it. A stack overflow there kills the test process: the test fails
/// loudly instead of passing on the main thread's 8 MiB.
public func onSmallStack(stackSize: Int = 1 << 20, _ body: @escaping @Sendable () -> Void) {
    PThread.essential(name: "small-stack", stackSize: stackSize, body).join()
}
