package palmbid.app.core

import palmbid.app.domain.PalmbidFailure

/**
 * [value] as the unsigned number the FFI takes; a negative one is refused
 * with [PalmbidFailure.CODE_INVALID_INPUT] rather than wrapped around.
 */
internal fun positive(what: String, value: Int): UInt {
    if (value < 0) {
        throw PalmbidFailure(
            PalmbidFailure.CODE_INVALID_INPUT,
            "$what 不能为负数（收到 $value）；请刷新后重试",
            "$what cannot be negative (got $value); refresh and retry",
        )
    }
    return value.toUInt()
}
