// DeflateError: why a raw deflate stream (RFC 1951) was refused by Inflate. Every case is
// malformed data or a caller's limit; none is "unsupported", since RFC 1951 has no optional
// features. Offsets are byte positions in the compressed input where the problem was found.

public enum DeflateError: Error, Equatable, Sendable {
    /// The input ended before the final block did.
    case truncatedInput
    /// Block type 3 (reserved, RFC 1951 section 3.2.3) in the header at this byte.
    case invalidBlockType(offset: Int)
    /// A stored block whose LEN and NLEN are not one's complements (section 3.2.4).
    case storedLengthMismatch(length: Int, complement: Int, offset: Int)
    /// HLIT > 286 or HDIST > 30 in a dynamic block header (section 3.2.7).
    case tooManyCodes(literalLength: Int, distance: Int, offset: Int)
    /// A code length repeat (symbol 16) with no previous length, or repeats running past HLIT + HDIST.
    case invalidCodeLengthRepeat(offset: Int)
    /// The code lengths describe more codes than bits allow (Kraft sum above one).
    case overSubscribedCode(HuffmanTable)
    /// The code lengths leave codes unused where RFC 1951 decoders require a complete code.
    case incompleteCode(HuffmanTable)
    /// The literal/length code has no code for end-of-block (256).
    case missingEndOfBlock(offset: Int)
    /// A bit pattern that decodes to no symbol, or to literal/length 286-287 or distance 30-31.
    case invalidSymbol(HuffmanTable, offset: Int)
    /// A match reaching before the start of the output.
    case distanceTooFarBack(distance: Int, available: Int)
    /// Decompressing would produce more than the caller's `outputLimit` bytes.
    case outputLimitExceeded(limit: Int)

    /// Which of the three Huffman codes of a block an error is about.
    public enum HuffmanTable: Sendable, Equatable {
        case codeLength, literalLength, distance
    }
}
