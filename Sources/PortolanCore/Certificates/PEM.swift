import Foundation
import SwiftASN1
import X509

/// Parses the certificate chain of a `tls.crt` value. Only CERTIFICATE blocks are read:
/// private keys are never decoded.
public enum PEM {
    public static let maxCertificatesPerBundle = 64

    public struct Result: Sendable {
        public var certificates: [ParsedCertificate]
        public var error: String?
    }

    /// Parses every `-----BEGIN CERTIFICATE-----` block of `text`, leaf first.
    public static func parseChain(_ bytes: [UInt8]) -> Result {
        let text = String(decoding: bytes, as: UTF8.self)
        var certs: [ParsedCertificate] = []
        var errors: [String] = []
        var blocks = 0
        var rest = Substring(text)
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        while let b = rest.range(of: begin) {
            guard let e = rest.range(of: end, range: b.upperBound..<rest.endIndex) else {
                errors.append("certificate block \(blocks + 1) has no END line")
                break
            }
            blocks += 1
            if blocks > maxCertificatesPerBundle {
                errors.append("more than \(maxCertificatesPerBundle) certificates in one bundle (limit pem-certificates); the rest are not read")
                break
            }
            let body = rest[b.upperBound..<e.lowerBound]
            rest = rest[e.upperBound...]
            guard let der = Data(base64Encoded: String(body), options: .ignoreUnknownCharacters), !der.isEmpty else {
                errors.append("certificate block \(blocks) is not valid base64")
                continue
            }
            do {
                certs.append(try parseDER(Array(der)))
            } catch {
                errors.append("certificate block \(blocks) is not a valid X.509 certificate")
            }
        }
        if blocks == 0 {
            if text.contains("-----BEGIN") {
                errors.append("no CERTIFICATE block (found another PEM type)")
            } else {
                errors.append("not PEM: no -----BEGIN CERTIFICATE----- block")
            }
        }
        return Result(certificates: certs, error: errors.isEmpty ? nil : errors.joined(separator: "; "))
    }

    static func parseDER(_ der: [UInt8]) throws -> ParsedCertificate {
        let cert = try Certificate(derEncoded: der)
        var dns: [String] = []
        var ips: [String] = []
        if let sans = try? cert.extensions.subjectAlternativeNames {
            for name in sans {
                switch name {
                case .dnsName(let d): dns.append(d)
                case .ipAddress(let octets): ips.append(formatIP(Array(octets.bytes)))
                default: break
                }
            }
        }
        var cn: String? = nil
        for rdn in cert.subject {
            for attr in rdn where attr.type == .RDNAttributeType.commonName {
                cn = attr.value.description
            }
        }
        return ParsedCertificate(
            subjectCommonName: cn, dnsNames: dns, ipAddresses: ips,
            issuer: cert.issuer.description,
            notBefore: cert.notValidBefore.timeIntervalSince1970,
            notAfter: cert.notValidAfter.timeIntervalSince1970,
            serial: cert.serialNumber.description)
    }

    static func formatIP(_ b: [UInt8]) -> String {
        if b.count == 4 { return b.map(String.init).joined(separator: ".") }
        if b.count == 16 {
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        }
        return b.map { String($0, radix: 16) }.joined()
    }
}
