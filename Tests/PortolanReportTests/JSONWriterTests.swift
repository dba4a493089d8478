import Foundation
import Testing
import PortolanCore
@testable import PortolanReport

@Suite struct JSONWriterTests {
    @Test func escapesControlCharactersAndKeepsOrder() throws {
        var w = JSONWriter()
        w.beginObject()
        w.field("b", "quote\" back\\ nl\n esc\u{1B} bel\u{07}")
        w.field("a", 3)
        w.field("list", ["x", "y"])
        w.field("empty", [String]())
        w.field("none", nil as String?)
        w.endObject()
        #expect(w.string == """
        {
          "b": "quote\\" back\\\\ nl\\n esc\\u001b bel\\u0007",
          "a": 3,
          "list": [
            "x",
            "y"
          ],
          "empty": [],
          "none": null
        }
        """)
        let parsed = try JSONSerialization.jsonObject(with: Data(w.string.utf8)) as? [String: Any]
        #expect(parsed?["b"] as? String == "quote\" back\\ nl\n esc\u{1B} bel\u{07}")
    }

    @Test func bidiAndC1AreEscapedAndHTMLSafeModeEscapesMarkup() {
        var w = JSONWriter(htmlSafe: true, pretty: false)
        w.beginArray()
        w.value("a\u{202E}b\u{85}c</script>&")
        w.endArray()
        #expect(w.string == "[\"a\\u202eb\\u0085c\\u003c/script\\u003e\\u0026\"]")
    }
}
