// Pickle opcodes: the byte values of Python's pickle instruction set (protocols 0-5, as
// listed by CPython's pickletools), named as pickletools names them. Part of Checkpoints;
// Pickle.swift interprets the subset that torch.save and plain containers produce and refuses
// the rest by name (sets, extension registry, out-of-band buffers, text strings).

enum PickleOpcode: UInt8, CaseIterable {
    // Integers, floats, booleans, None.
    case int = 0x49              // I  decimal line ("00"/"01" are False/True)
    case binint = 0x4A           // J  4-byte signed
    case binint1 = 0x4B          // K  1-byte unsigned
    case binint2 = 0x4D          // M  2-byte unsigned
    case long = 0x4C             // L  decimal line with trailing 'L'
    case long1 = 0x8A            // 1-byte length, little-endian two's complement
    case long4 = 0x8B            // 4-byte length, little-endian two's complement
    case float = 0x46            // F  decimal line
    case binfloat = 0x47         // G  8-byte big-endian IEEE double
    case none = 0x4E             // N
    case newtrue = 0x88
    case newfalse = 0x89
    // Strings and bytes.
    case string = 0x53           // S  quoted Python 2 string literal line
    case binstring = 0x54        // T  4-byte length (Python 2 str)
    case shortBinstring = 0x55   // U  1-byte length (Python 2 str)
    case binbytes = 0x42         // B  4-byte length
    case shortBinbytes = 0x43    // C  1-byte length
    case binbytes8 = 0x8E        // 8-byte length
    case bytearray8 = 0x96       // 8-byte length
    case unicode = 0x56          // V  raw-unicode-escape line
    case binunicode = 0x58       // X  4-byte length, UTF-8
    case shortBinunicode = 0x8C  // 1-byte length, UTF-8
    case binunicode8 = 0x8D      // 8-byte length, UTF-8
    // Containers.
    case emptyList = 0x5D        // ]
    case append = 0x61           // a
    case appends = 0x65          // e
    case list = 0x6C             // l
    case emptyTuple = 0x29       // )
    case tuple = 0x74            // t
    case tuple1 = 0x85
    case tuple2 = 0x86
    case tuple3 = 0x87
    case emptyDict = 0x7D        // }
    case dict = 0x64             // d
    case setitem = 0x73          // s
    case setitems = 0x75         // u
    case emptySet = 0x8F
    case additems = 0x90
    case frozenset = 0x91
    // Stack and memo.
    case pop = 0x30              // 0
    case dup = 0x32              // 2
    case mark = 0x28             // (
    case popMark = 0x31          // 1
    case get = 0x67              // g  decimal line
    case binget = 0x68           // h  1-byte index
    case longBinget = 0x6A       // j  4-byte index
    case put = 0x70              // p  decimal line
    case binput = 0x71           // q  1-byte index
    case longBinput = 0x72       // r  4-byte index
    case memoize = 0x94
    // Names, calls and objects.
    case ext1 = 0x82
    case ext2 = 0x83
    case ext4 = 0x84
    case global = 0x63           // c  "module\nname\n"
    case stackGlobal = 0x93
    case reduce = 0x52           // R
    case build = 0x62            // b
    case inst = 0x69             // i
    case obj = 0x6F              // o
    case newobj = 0x81
    case newobjEx = 0x92
    // Framing, persistence, out-of-band data, end.
    case proto = 0x80
    case stop = 0x2E             // .
    case frame = 0x95
    case persid = 0x50           // P  line
    case binpersid = 0x51        // Q
    case nextBuffer = 0x97
    case readonlyBuffer = 0x98

    /// The opcode's name as pickletools spells it.
    var name: String {
        switch self {
        case .shortBinstring: return "SHORT_BINSTRING"
        case .shortBinbytes: return "SHORT_BINBYTES"
        case .shortBinunicode: return "SHORT_BINUNICODE"
        case .emptyList: return "EMPTY_LIST"
        case .emptyTuple: return "EMPTY_TUPLE"
        case .emptyDict: return "EMPTY_DICT"
        case .emptySet: return "EMPTY_SET"
        case .popMark: return "POP_MARK"
        case .longBinget: return "LONG_BINGET"
        case .longBinput: return "LONG_BINPUT"
        case .stackGlobal: return "STACK_GLOBAL"
        case .newobjEx: return "NEWOBJ_EX"
        case .nextBuffer: return "NEXT_BUFFER"
        case .readonlyBuffer: return "READONLY_BUFFER"
        default: return "\(self)".uppercased()
        }
    }
}
