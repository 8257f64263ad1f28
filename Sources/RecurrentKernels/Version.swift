/// The Recurrent release this code is.
public let recurrentVersion = "0.1.0"
