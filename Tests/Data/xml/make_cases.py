#!/usr/bin/env python3
"""Writes cases.json for Tests/RoleHopCoreTests/STS/XMLReaderTests.swift.

Good documents: the expected tree (local name, direct text = .text + every child's .tail, children) comes from
Python's expat through xml.etree.ElementTree, an independent XML parser. The real STS/IAM bodies of
Tests/Data/sigv4/responses are included as they are.
Malformed documents: the line and column of the problem and a fragment of the message are written by hand
below (the position is where the document goes wrong); expat's verdict on each is recorded next to it, and the
test checks expat rejected every one except those marked deliberate (a DOCTYPE, a non-UTF-8 encoding, nesting over the limit: well-formed
XML that rolehop refuses on purpose).

Run: python3 Tests/Data/xml/make_cases.py
"""
import base64
import json
import os
import xml.etree.ElementTree as ET
import xml.parsers.expat

HERE = os.path.dirname(os.path.abspath(__file__))
RESPONSES = os.path.join(HERE, "..", "sigv4", "responses")

GOOD = [
    ("empty element", b"<a/>"),
    ("declaration, comments, PIs around the root",
     b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<?pi data?>\n<a>x</a>\n<!-- after -->\n<?end?>\n'),
    ("single quotes and standalone", b"<?xml version='1.0' encoding='utf-8' standalone='yes' ?><a/>"),
    ("attributes with references", b'<a x="1" y=\'2 &amp; &#65; &lt;\' z = "\'"><b c="&quot;"/></a>'),
    ("default and prefixed namespaces keep local names",
     b'<s:Envelope xmlns:s="urn:s" xmlns="urn:d"><s:Body><Item>v</Item></s:Body></s:Envelope>'),
    ("predefined entities and character references",
     b"<a>&lt;&gt;&amp;&apos;&quot;|&#65;&#x42;&#233;&#x1F600;&#x10FFFF;</a>"),
    ("CDATA keeps markup characters", b"<a>x<![CDATA[<b>&amp; ]] ]>]]>y<![CDATA[]]></a>"),
    ("line ends are normalised", b"<a>x\r\ny\rz\n<![CDATA[1\r\n2\r3]]></a>"),
    ("mixed content concatenates the element's own text", b"<a> t1 <b>x</b> t2 <c/> t3 </a>"),
    ("whitespace-only text is kept", b"<a>\n  <b> </b>\n</a>"),
    ("non-ASCII names and text", "<naïve attr='é'>café ☕ 😀</naïve>".encode()),
    ("byte order mark", b"\xef\xbb\xbf<?xml version=\"1.0\"?><a>bom</a>"),
    ("whitespace inside tags", b'<a  x = "1"\n\ty="2" ><b\n/></a\n>'),
    ("comments and PIs in content", b"<a>1<!-- no --><?p x?>2<!---->3</a>"),
    ("markup-like text that is allowed", b"<a>a > b ]] c ]> d - -- e</a>"),
    ("deep but within the limit", b"<a>" * 64 + b"x" + b"</a>" * 64),
    ("names with digits, dots, dashes, underscores", b"<_a.b-c1><x:y.z xmlns:x=\"u\"/></_a.b-c1>"),
]
for f in sorted(os.listdir(RESPONSES)):
    if f.endswith(".xml") and f != "malformed.xml":
        with open(os.path.join(RESPONSES, f), "rb") as fh:
            GOOD.append(("sigv4/responses/" + f, fh.read()))

# (name, document, line, column, message fragment, deliberate): deliberate marks well-formed XML rolehop refuses
MALFORMED = [
    ("only whitespace", b"  \n ", 2, 2, "no root element", False),
    ("text before the root", b"\nhello<a/>", 2, 1, "text before the root element", False),
    ("two roots", b"<a/>\n<b/>", 2, 1, "content after the root element", False),
    ("text after the root", b"<a/>\nx", 2, 1, "content after the root element", False),
    ("unterminated root", b"<a>\n<b>x</b>\n", 3, 1, "expected </a>", False),
    ("mismatched end tag", b"<a>\n<b></c>\n</a>", 2, 4, "does not match <b> of line 2", False),
    ("end tag of a prefix mismatch", b'<s:a xmlns:s="u" xmlns:t="u"></t:a>', 1, 30, "expected </s:a>", False),
    ("unterminated start tag", b"<a>\n<b x='1'", 2, 9, "expected '>'", False),
    ("unterminated end tag", b"<a>\n</a", 2, 4, "expected '>'", False),
    ("garbage in a start tag", b'<a>\n<b x="1"y="2"/></a>', 2, 9, "expected whitespace", False),
    ("attribute without value", b"<a>\n  <b x></b></a>", 2, 7, "expected '='", False),
    ("unquoted attribute", b"<a x=1/>", 1, 6, "expected a quoted value", False),
    ("unterminated attribute value", b'<a x="1>\n', 1, 6, "unterminated value", False),
    ("< in an attribute value", b'<a x="<"/>', 1, 7, "'<' is not allowed", False),
    ("duplicate attribute", b'<a x="1"\n x="2"/>', 2, 2, "appears twice", False),
    ("bare ampersand", b"<a>\nfish & chips</a>", 2, 6, "expected an entity name", False),
    ("undefined entity", b"<a>\n&nbsp;</a>", 2, 1, "undefined entity &nbsp;", False),
    ("entity without semicolon", b"<a>&amp</a>", 1, 8, "expected ';'", False),
    ("character reference to NUL", b"<a>\n\n&#0;</a>", 3, 1, "not a character XML allows", False),
    ("character reference to a surrogate", b"<a>&#xD800;</a>", 1, 4, "not a character XML allows", False),
    ("character reference beyond Unicode", b"<a>&#x110000;</a>", 1, 4, "not a character XML allows", False),
    ("huge character reference", b"<a>&#99999999999999999999;</a>", 1, 4, "not a character XML allows", False),
    ("character reference to U+FFFE", b"<a>&#xFFFE;</a>", 1, 4, "not a character XML allows", False),
    ("character reference without digits", b"<a>&#x;</a>", 1, 4, "malformed character reference", False),
    ("uppercase X in a hex reference", b"<a>&#X43;</a>", 1, 4, "malformed character reference", False),
    ("decimal reference with hex digits", b"<a>&#1F;</a>", 1, 4, "malformed character reference", False),
    ("]]> in text", b"<a>\nx]]>y</a>", 2, 2, "']]>' is not allowed", False),
    ("unterminated comment", b"<a>\n<!-- x </a>", 2, 1, "unterminated comment", False),
    ("-- inside a comment", b"<a><!-- x -- y --></a>", 1, 11, "'--' is not allowed", False),
    ("unterminated CDATA", b"<a>\n<![CDATA[x</a>", 2, 1, "unterminated CDATA", False),
    ("unterminated processing instruction", b"<a><?p x</a>", 1, 4, "unterminated processing instruction", False),
    ("XML declaration not at the start", b" <?xml version=\"1.0\"?><a/>", 1, 2, "not at the start", False),
    ("XML declaration in content", b"<a><?xml version=\"1.0\"?></a>", 1, 4, "not at the start", False),
    ("unsupported encoding", b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>', 1, 31, "expected UTF-8", True),
    ("declaration without version", b'<?xml encoding="UTF-8"?><a/>', 1, 7, "must start with version", False),
    ("unterminated declaration", b'<?xml version="1.0"', 1, 20, "unterminated XML declaration", False),
    ("<! that is neither comment nor CDATA", b"<a><!ELEMENT a ANY></a>", 1, 4, "expected a comment", False),
    ("tag name starting with a digit", b"<a><1/></a>", 1, 5, "expected an element name", False),
    ("invalid UTF-8 byte", b"<a>\nok\xff</a>", 2, 3, "invalid UTF-8", False),
    ("overlong UTF-8", b"<a>\xc0\xaf</a>", 1, 4, "invalid UTF-8", False),
    ("UTF-8 encoded surrogate", b"<a>\xed\xa0\x80</a>", 1, 4, "invalid UTF-8", False),
    ("truncated UTF-8", b"<a>\xe2\x82", 1, 4, "invalid UTF-8", False),
    ("lone continuation byte", b"<a>\x80</a>", 1, 4, "invalid UTF-8", False),
    ("control character", b"<a>\n\x01</a>", 2, 1, "control character U+0001", False),
    ("UTF-16 byte order mark", b"\xff\xfe<\x00a\x00/\x00>\x00", 1, 1, "UTF-16", True),
    ("too deep", b"<a>" * 65 + b"</a>" * 65, 1, 193, "nested deeper than 64", True),
    ("DOCTYPE", b'<?xml version="1.0"?>\n<!DOCTYPE a>\n<a/>', 2, 1, "DOCTYPE declarations are not accepted", True),
    ("billion laughs", b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><l>&b;</l>',
     2, 1, "expands no entities", True),
    ("external entity", b'<!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]><l>&x;</l>', 1, 1, "DOCTYPE", True),
]


def tree(e):
    text = (e.text or "") + "".join(c.tail or "" for c in e)
    name = e.tag.split("}", 1)[1] if e.tag.startswith("{") else e.tag
    return {"name": name, "text": text, "children": [tree(c) for c in e]}


def expat_verdict(doc):
    p = xml.parsers.expat.ParserCreate()
    try:
        p.Parse(doc, True)
        return "accepted"
    except xml.parsers.expat.ExpatError as e:
        return "line %d: %s" % (e.lineno, xml.parsers.expat.ErrorString(e.code))


good = [{"name": n, "base64": base64.b64encode(d).decode(), "tree": tree(ET.fromstring(d))} for n, d in GOOD]
malformed = []
for n, d, line, column, fragment, deliberate in MALFORMED:
    verdict = expat_verdict(d)
    if not deliberate and verdict == "accepted":
        raise SystemExit("expat accepts %r: not a malformed case" % n)
    malformed.append({"name": n, "base64": base64.b64encode(d).decode(), "line": line, "column": column,
                      "fragment": fragment, "deliberate": deliberate, "expat": verdict})
with open(os.path.join(HERE, "cases.json"), "w") as fh:
    json.dump({"good": good, "malformed": malformed}, fh, indent=1, ensure_ascii=False)
    fh.write("\n")
print("wrote %d good and %d malformed cases" % (len(good), len(malformed)))
